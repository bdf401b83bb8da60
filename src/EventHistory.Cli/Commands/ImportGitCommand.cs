using System.CommandLine;
using System.Diagnostics;
using EventHistory.Pages;

namespace EventHistory.Cli.Commands;

/// import-git REPO [--from COMMIT] [--to COMMIT] [--branch B] [--edition en|zh]: replays a git
/// repository of the site's pages commit by commit; a second run goes on after the last commit.
public static class ImportGitCommand
{
    public static Command Create(CliSession session)
    {
        var repository = new Argument<string>("REPO") { Description = "a git repository of the site's pages (a clone)" };
        var from = CliOptions.Text("--from", "start after this commit (default: after the last one imported)", "COMMIT");
        var to = CliOptions.Text("--to", "stop at this commit (default: the branch's last)", "COMMIT");
        var branch = CliOptions.Text("--branch", "the branch to replay (default: the one checked out)", "B");
        var edition = CliOptions.Edition("the pages' edition (default: detected from the pages)");
        var command = new Command("import-git", "replays a git repository of the site's pages commit by commit (resumable)")
            { repository, from, to, branch, edition };
        session.Runs(command, c => RunAsync(c, new ImportGitHistory.Command(c.Get(repository), c.Get(branch), c.Get(from), c.Get(to), c.Get(edition), null)));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext c, ImportGitHistory.Command import)
    {
        var rate = Stopwatch.StartNew();
        var summary = await ProgressDisplay.RunAsync(c, "import-git", show => c.Mediator.Send(import with
        {
            OnCommit = p => show(p.Commits, p.TotalCommits,
                $"{p.Commits}/{p.TotalCommits} commits, {p.Pages} pages, {p.Events / Math.Max(rate.Elapsed.TotalSeconds, 0.001):N0} events/s"),
        }));
        // One line per problem, so a script can grep them; each names the commit and the page.
        foreach (var problem in summary.Problems) c.Error.WriteLine(problem);
        var resumed = summary.Resumed ? " (resumed after the last imported commit)" : "";
        c.Output.WriteLine(summary.Commits == 0
            ? $"nothing to import: every commit up to {summary.LastCommit?[..12] ?? "the end"} is in{resumed}"
            : $"{summary.Commits} commits, {summary.Pages} page versions: {summary.Events} events, " +
              $"{summary.Pages - summary.Verbatim - summary.Rejected} parsed into the item model, {summary.Verbatim} kept verbatim, " +
              $"{summary.Rejected} rejected; last commit {summary.LastCommit?[..12]}{resumed}");
        return summary.Rejected > 0 ? 1 : 0;
    }
}
