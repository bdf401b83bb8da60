using System.CommandLine;
using EventHistory.EventStore;
using EventHistory.Infrastructure;
using EventHistory.Pages;
using FluentValidation;

namespace EventHistory.Cli.Commands;

/// import FILE|DIR [--at TIME]: every page file (item pages, and index.md and README.md day pages)
/// into history, many pages per transaction. A rejected page writes nothing and the import goes on;
/// the exit code is 1 if any was rejected.
public static class ImportCommand
{
    public static Command Create(CliSession session)
    {
        var target = new Argument<string>("FILE|DIR") { Description = "a page file, or a folder of them (item pages, index.md and README.md day pages)" };
        var at = CliOptions.Time("--at", "the edit time of pages that carry none (default now)");
        var command = new Command("import", "pages into history, with the history they record") { target, at };
        session.Runs(command, c => RunAsync(c, c.Get(target), c.Get(at)));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext c, string target, DateTimeOffset? at)
    {
        // A README.md is a day page in a day folder (the site keeps one beside index.md), else not a page.
        var files = Directory.Exists(target)
            ? Directory.EnumerateFiles(target, "*.md", SearchOption.AllDirectories)
                .Where(f => !Path.GetFileName(f).Equals("README.md", StringComparison.OrdinalIgnoreCase) || PagePaths.FromRelative(Path.GetFullPath(f)) is not null)
                .Order(StringComparer.Ordinal).OrderBy(NewestFirst).ToList()
            : File.Exists(target) ? [target] : throw new UsageException($"no such file or directory: {target}");

        var tally = await ProgressDisplay.RunAsync(c, "import", show => ImportAsync(c, files, at, (done, total) => show(done, total, $"import {done}/{total} pages")));
        c.Output.WriteLine(tally.Summary(files.Count));
        return tally.Rejected > 0 ? 1 : 0;
    }

    private static async Task<ImportTally> ImportAsync(CommandContext c, List<string> files, DateTimeOffset? at, Action<int, int> progress)
    {
        var tally = new ImportTally();
        var done = 0;
        foreach (var chunk in files.Chunk(PageImporter.BatchSize))
        {
            var batch = new List<(string File, PageInput Page)>();
            foreach (var file in chunk)
            {
                if (PagePaths.FromRelative(Path.GetFullPath(file)) is not { } path)
                    tally.Reject(c.Error, file, "not a page: expected a file under news/YYYY/MM/D/");
                else
                {
                    try
                    {
                        batch.Add((file, new PageInput(path, PageText.Decode(await File.ReadAllBytesAsync(file)), at)));
                    }
                    catch (ValidationException e)
                    {
                        tally.Reject(c.Error, file, string.Join("; ", e.Errors.Select(f => f.ErrorMessage)));
                    }
                }
            }
            try
            {
                var results = await c.Mediator.Send(new ImportPages.Command([.. batch.Select(b => b.Page)], new ImportOptions()));
                foreach (var ((file, _), result) in batch.Zip(results))
                    if (result.Outcome is { } outcome) tally.Count(outcome);
                    else tally.Reject(c.Error, file, result.Rejection!.Message);
            }
            catch (Exception e) when (e is EditRejectedException or ConcurrencyException && batch.Count == 1)
            {
                // One page that contradicts what the store holds must not stop a directory import.
                tally.Reject(c.Error, batch[0].File, e is ConcurrencyException conflict ? Messages.Conflict(conflict) : e.Message);
            }
            progress(done += chunk.Length, files.Count);
        }
        return tally;
    }

    /// Any order gives the same pages, but pages with a Changes list first give the plainest history:
    /// the item's versions in time order, then its old slug files as earlier pages.
    private static int NewestFirst(string file)
    {
        try { return File.ReadAllText(file).Contains("\n### Changes:\n", StringComparison.Ordinal) ? 0 : 1; }
        catch (IOException) { return 1; }
    }

    private sealed class ImportTally
    {
        public int Items, Revisions, Unchanged, Rejected;

        public void Count(ImportOutcome outcome)
        {
            if (outcome.NewItem) Items++;
            Revisions += outcome.Appended;
            if (outcome.Appended == 0) Unchanged++;
        }

        public void Reject(TextWriter error, string file, string reason)
        {
            Rejected++;
            error.WriteLine($"{file}: {reason}");
        }

        public string Summary(int pages) =>
            $"{pages} pages: {Items} new items, {Revisions} revisions, {Unchanged} unchanged, {Rejected} rejected";
    }
}
