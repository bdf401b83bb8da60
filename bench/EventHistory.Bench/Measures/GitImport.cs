using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using EventHistory.Access;

namespace EventHistory.Bench.Measures;

/// Measure 7: replaying a site repository's history with `eventhistory import-git REPO` (its own
/// process, as a user runs it; consecutive commits share a transaction up to 200 pages), against the INSERT ... SELECT bound of
/// measure 3. The repository is built here from the Chinese edition's corpus pages, copied with
/// fresh slugs as measure 3 copies them: each commit adds a few day folders (item pages and day
/// page), and edits pages committed earlier, so the history has revisions, not only new items.
public static partial class GitImport
{
    private const int FoldersPerCommit = 3;
    private const int EditsPerCommit = 2;

    public static async Task<IReadOnlyList<Measure>> RunAsync(Options o)
    {
        var name = "7 git history import";
        var corpus = Path.Combine(o.Root, "tests", "corpus");
        if (!Directory.Exists(Path.Combine(corpus, "zh"))) return [Measure.NotMeasured(name, "events/s", ">= 0.5", "the corpus (tests/corpus/zh) is missing")];
        // One edition a repository, as the site kept them; a day folder's pages go in together.
        var folders = Import.LoadPages(corpus, ["zh"], withDayPages: true)
            .GroupBy(p => p.Relative[..p.Relative.LastIndexOf('/')]).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.ToList()).ToList();

        var work = Directory.CreateTempSubdirectory("eventhistory-bench-git-");
        try
        {
            var repository = Path.Combine(work.FullName, "site");
            var (pages, edits, copies) = await BuildRepositoryAsync(folders, repository, o.GitCommits);

            await using var schema = await BenchSchema.CreateAsync(o.ConnectionString, "bench_git_import");
            var key = await new ApiKeys(schema.Db).CreateAsync("bench-git-importer", Role.Editor);
            var clock = Stopwatch.StartNew();
            await using var importer = ChildProcess.Start(o, "EventHistory.Cli", ["import-git", repository],
                new Dictionary<string, string> { ["EVENTHISTORY_DB"] = schema.ConnectionString, ["EVENTHISTORY_KEY"] = key });
            var exit = await importer.WaitAsync(TimeSpan.FromMinutes(30));
            var seconds = clock.Elapsed.TotalSeconds;
            if (exit == 2) return [Measure.NotMeasured(name, "events/s", ">= 0.5", "this build's CLI has no import-git command")];
            // Exit 1 is also what a rejected page gives: the summary line says how many.
            var summary = SummaryLine().Match(importer.Output);
            if (exit != 0 || !summary.Success || summary.Groups["rejected"].Value != "0")
                throw new InvalidOperationException($"import-git exited {exit}: {Import.Tail(importer.Output)}");
            var commits = int.Parse(summary.Groups["commits"].Value);
            var events = await schema.ScalarAsync("select count(*) from mt_events");

            var (rows, baselineSeconds) = await Import.CopyRowsAsync(o, schema);
            return
            [
                new Measure($"7 git history import, {commits:N0} commits, {events:N0} events", events / seconds, rows / baselineSeconds, "events/s", ">= 0.5",
                    $"ours: `eventhistory import-git REPO`, one process, {seconds:F1} s, process start-up included; its summary: \"{summary.Value.Trim()}\" " +
                    $"(the store's count also holds each commit's progress record); the repository: {pages:N0} page files of {copies} corpus copies " +
                    $"({FoldersPerCommit} day folders a commit) and {edits:N0} edits of pages committed earlier (a headline or summary line); " +
                    $"baseline: INSERT ... SELECT of the same {rows:N0} event rows (and every other row the import wrote) into a fresh schema, {baselineSeconds:F1} s."),
                new Measure("7c git commits replayed", commits / seconds, null, "commits/s", "", "consecutive commits share a transaction up to 200 pages, process start-up included"),
                new Measure("7m git importer peak working set", importer.PeakWorkingSetMiB, null, "MiB", "< 500", "kernel high-water mark (VmHWM) of the import-git process"),
            ];
        }
        finally
        {
            // BENCH_KEEP_SCHEMAS=1 keeps the repository too, to replay it by hand.
            if (Environment.GetEnvironmentVariable("BENCH_KEEP_SCHEMAS") == "1") Console.Error.WriteLine($"measure 7's repository kept: {work.FullName}/site");
            else work.Delete(true);
        }
    }

    [GeneratedRegex(@"(?<commits>\d+) commits, \d+ page versions: \d+ events, .*?(?<rejected>\d+) rejected; last commit \w+")]
    private static partial Regex SummaryLine();

    /// Writes the history with one `git fast-import` (plain commits take minutes for a thousand):
    /// commit N an hour after commit N-1 from 2020-01-01, after every corpus page's day, so commit
    /// time order is commit order. Folders are taken in order, copy after copy.
    private static async Task<(int Pages, int Edits, int Copies)> BuildRepositoryAsync(List<List<Import.Page>> folders, string repository, int commits)
    {
        Directory.CreateDirectory(repository);
        await GitAsync(repository, null, "init", "-q", "-b", "main");
        var committed = new List<(string Path, string Text)>();
        var random = new Random(7);
        var (pages, edits) = (0, 0);
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var stream = new MemoryStream();
        void Write(string text) => stream.Write(Encoding.UTF8.GetBytes(text));
        void Data(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            Write($"data {bytes.Length}\n");
            stream.Write(bytes);
            Write("\n");
        }
        for (var n = 0; n < commits; n++)
        {
            var files = new List<(string Path, string Text)>();
            // Edits first, of pages of earlier commits: a revised headline or summary line.
            for (var e = 0; e < EditsPerCommit && committed.Count > 0; e++, edits++)
            {
                var i = random.Next(committed.Count);
                committed[i] = (committed[i].Path, Revise(committed[i].Text, edits));
                // The same page drawn twice in a commit is one page version: its last text.
                files.RemoveAll(f => f.Path == committed[i].Path);
                files.Add(committed[i]);
            }
            for (var f = 0; f < FoldersPerCommit; f++)
            {
                var slot = n * FoldersPerCommit + f;
                foreach (var page in folders[slot % folders.Count])
                {
                    var copy = slot / folders.Count;
                    var path = Import.Fresh("/" + page.Relative, copy);
                    // zh/news/... in the corpus, news/... in the edition's repository.
                    var file = (Path: path[(path.IndexOf("/news/") + 1)..], Text: Import.Fresh(page.Text, copy));
                    files.Add(file);
                    if (Path.GetFileName(file.Path) is not ("index.md" or "README.md")) committed.Add(file);
                    pages++;
                }
            }
            var time = start.AddHours(n).ToUnixTimeSeconds();
            Write($"commit refs/heads/main\nauthor bench <bench@example.org> {time} +0000\ncommitter bench <bench@example.org> {time} +0000\n");
            Data($"commit {n + 1}: {files.Count} pages");
            foreach (var (path, text) in files)
            {
                Write($"M 100644 inline {path}\n");
                Data(text);
            }
        }
        stream.Position = 0;
        await GitAsync(repository, stream, "fast-import", "--quiet");
        return (pages, edits, (commits * FoldersPerCommit + folders.Count - 1) / folders.Count);
    }

    /// A revision of an item page: its headline line, or (every other edit) its summary line when it has one.
    private static string Revise(string text, int edit)
    {
        var lines = text.Split('\n');
        var headline = Array.FindIndex(lines, l => l.StartsWith("# "));
        var next = Array.FindIndex(lines, headline + 1, l => l.StartsWith('#'));
        var summary = Array.FindIndex(lines, headline + 1, (next < 0 ? lines.Length : next) - headline - 1, l => l.Trim().Length > 0);
        var line = edit % 2 == 1 && summary > 0 ? summary : headline;
        var body = lines[line].TrimEnd();
        lines[line] = $"{body}（修订{edit}）{lines[line][body.Length..]}";
        return string.Join('\n', lines);
    }

    private static async Task GitAsync(string repository, Stream? input, params string[] args)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardInput = input is not null, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-C");
        info.ArgumentList.Add(repository);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var git = Process.Start(info) ?? throw new InvalidOperationException("Could not start git.");
        var error = git.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await input.CopyToAsync(git.StandardInput.BaseStream);
            git.StandardInput.Close();
        }
        await git.WaitForExitAsync();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git {args[0]} failed: {await error}");
    }
}
