using System.Diagnostics;
using EventHistory.Pages;

namespace EventHistory.Cli.Commands;

/// import-git REPO [--from COMMIT] [--to COMMIT] [--branch B] [--edition en|zh]: replays a git
/// repository of the site's pages commit by commit; a second run goes on after the last commit.
public static class ImportGitCommand
{
    public static async Task<int> RunAsync(CommandContext c)
    {
        var repository = c.Args.Required(0, "REPO");
        var bar = new ProgressBar(c.Error);
        var summary = await c.Mediator.Send(new ImportGitHistory.Command(
            repository, c.Args.Option("branch"), c.Args.Option("from"), c.Args.Option("to"), c.Args.Option("edition"), bar.Show));
        bar.Done();
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

    /// Commits, pages, events/s and the time left, on stderr when it is a terminal.
    private sealed class ProgressBar(TextWriter error)
    {
        private readonly bool _draw = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _lastDraw;

        public void Show(ImportGitHistory.Progress p)
        {
            if (!_draw || (_clock.ElapsedMilliseconds - _lastDraw < 200 && p.Commits != p.TotalCommits)) return;
            _lastDraw = _clock.ElapsedMilliseconds;
            var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            var left = TimeSpan.FromSeconds(seconds / p.Commits * (p.TotalCommits - p.Commits));
            var filled = p.Commits * 30 / Math.Max(p.TotalCommits, 1);
            error.Write($"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {p.Commits}/{p.TotalCommits} commits, " +
                $"{p.Pages} pages, {p.Events / seconds:N0} events/s, {left:hh\\:mm\\:ss} left ");
        }

        public void Done()
        {
            if (_draw) error.WriteLine();
        }
    }
}
