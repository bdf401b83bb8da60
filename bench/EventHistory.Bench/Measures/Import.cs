using System.Diagnostics;
using System.Text.RegularExpressions;
using EventHistory.Access;

namespace EventHistory.Bench.Measures;

/// Measure 3: bulk import of the real corpus pages with the command-line importer
/// (`eventhistory import DIR`, run as its own process, as a user runs it), the corpus copied over
/// and over with fresh identities (every item slug gets a per-copy suffix, in file names and in
/// every link), against a server-side INSERT ... SELECT of exactly the rows the import wrote into
/// the same tables of a fresh schema.
public static partial class Import
{
    public static async Task<IReadOnlyList<Measure>> RunAsync(Options o)
    {
        var name = $"3 bulk import of corpus pages";
        var corpus = Path.Combine(o.Root, "tests", "corpus");
        if (!Directory.Exists(corpus)) return [Measure.NotMeasured(name, "events/s", ">= 0.5", "the corpus (tests/corpus) is missing")];
        var pages = LoadPages(corpus);

        await using var schema = await BenchSchema.CreateAsync(o.ConnectionString, "bench_import");
        var key = await new ApiKeys(schema.Db).CreateAsync("bench-importer", Role.Editor);
        var work = Directory.CreateTempSubdirectory("eventhistory-bench-import-");
        try
        {
            double seconds = 0, peak = 0, singleRate = 0;
            var copies = 0;
            var budget = o.ImportSeconds;
            long events = 0;
            var round = 0;
            // Round 0: one importer on one copy (the single-process rate, and the events per copy).
            // Then rounds of several importer processes at once, each on its own copies, as one
            // would split a big import: one importer leaves a core idle while it waits on the
            // server. Up to 16 copies a process (about 25,000 events), so start-ups are a small part.
            while (events < o.ImportEvents && seconds < budget)
            {
                var perCopy = copies == 0 ? 0 : Math.Max(1, events / copies);
                var processes = round == 0 ? 1 : o.Importers;
                var wanted = perCopy == 0 ? 1 : (o.ImportEvents - events + perCopy - 1) / perCopy;
                var perProcess = round == 0 ? 1 : (int)Math.Clamp(wanted / processes, 1, o.Quick ? 1 : 16);
                var dirs = new List<string>();
                for (var p = 0; p < processes; p++)
                {
                    var dir = Path.Combine(work.FullName, $"round{round}-{p}");
                    for (var c = 0; c < perProcess; c++, copies++) WriteCopy(pages, Path.Combine(dir, $"copy{copies}"), copies);
                    dirs.Add(dir);
                }
                var before = events;
                var clock = Stopwatch.StartNew();
                var importers = dirs.Select(dir => ChildProcess.Start(o, "EventHistory.Cli", ["import", dir],
                    new Dictionary<string, string> { ["EVENTHISTORY_DB"] = schema.ConnectionString, ["EVENTHISTORY_KEY"] = key })).ToList();
                try
                {
                    var exits = await Task.WhenAll(importers.Select(i => i.WaitAsync(TimeSpan.FromMinutes(20))));
                    var took = clock.Elapsed.TotalSeconds;
                    seconds += took;
                    peak = Math.Max(peak, importers.Max(i => i.PeakWorkingSetMiB));
                    if (exits.Contains(2)) return [Measure.NotMeasured(name, "events/s", ">= 0.5", "this build's CLI has no import command")];
                    if (exits.FirstOrDefault(e => e != 0) is var failed and not 0)
                        throw new InvalidOperationException($"import exited {failed}: {Tail(importers.First(i => i.Process.ExitCode != 0).Output)}");
                    events = await schema.ScalarAsync("select count(*) from mt_events");
                    if (round == 0) singleRate = (events - before) / took;
                }
                finally
                {
                    foreach (var importer in importers) await importer.DisposeAsync();
                }
                foreach (var dir in dirs) Directory.Delete(dir, true);
                round++;
            }
            var ours = events / seconds;

            var (rows, baselineSeconds) = await CopyRowsAsync(o, schema);
            var baseline = rows / baselineSeconds;
            var reached = events >= o.ImportEvents ? "" : $" The {budget} s budget ended the import before {o.ImportEvents:N0} events.";
            return
            [
                new Measure($"3 bulk import, {events:N0} events ({copies} corpus copies, {o.Importers} importers)", ours, baseline, "events/s", ">= 0.5",
                    $"ours: `eventhistory import DIR`, one process on the first copy ({singleRate:N0} events/s alone), then {o.Importers} processes at once " +
                    $"on their own copies; {pages.Count:N0} pages per copy, {seconds:F1} s in all, process start-up included; " +
                    $"baseline: INSERT ... SELECT of the same {rows:N0} event rows (and every other row the import wrote) into a fresh schema, {baselineSeconds:F1} s.{reached}"),
                new Measure("3m importer peak working set", peak, null, "MiB", "", "largest kernel high-water mark (VmHWM) of the importer processes"),
            ];
        }
        finally
        {
            work.Delete(true);
        }
    }

    /// A corpus page: its path below tests/corpus (zh/news/...) and its text.
    internal sealed record Page(string Relative, string Text);

    /// Item pages of both editions; day pages are left out because their identity is their day.
    private static List<Page> LoadPages(string corpus) => LoadPages(corpus, ["en", "zh"], withDayPages: false);

    internal static List<Page> LoadPages(string corpus, string[] editions, bool withDayPages) =>
        editions.Select(e => Path.Combine(corpus, e)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.md", SearchOption.AllDirectories))
            .Where(f => withDayPages || Path.GetFileName(f) is not ("index.md" or "README.md"))
            .Select(f => new Page(Path.GetRelativePath(corpus, f).Replace('\\', '/'), File.ReadAllText(f)))
            .ToList();

    [GeneratedRegex(@"(/news/\d{4}/\d{2}/\d{1,2}/)(?!index\.)([^/\s()]+?)\.(md|html|json|xml)(?=[)\s]|$)")]
    private static partial Regex PageLink();

    private static void WriteCopy(List<Page> pages, string dir, int copy)
    {
        foreach (var page in pages)
        {
            var file = Path.Combine(dir, Fresh("/" + page.Relative, copy).TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, Fresh(page.Text, copy));
        }
    }

    /// A path or page text with every item slug of a page link given the copy's suffix: copy N's
    /// pages are new items, linked to each other as the originals are.
    internal static string Fresh(string text, int copy) =>
        PageLink().Replace(text, m => $"{m.Groups[1].Value}{m.Groups[2].Value}-b{copy}.{m.Groups[3].Value}");

    /// Copies every row the import wrote into the same tables of a fresh schema, server-side, in one
    /// transaction: the database's own speed at writing those rows with those indexes.
    internal static async Task<(long Rows, double Seconds)> CopyRowsAsync(Options o, BenchSchema source)
    {
        await using var target = await BenchSchema.CreateAsync(o.ConnectionString, "bench_import_copy");
        var tables = new List<string>();
        await using (var cmd = source.Db.CreateCommand(
            "select table_name from information_schema.tables where table_schema = @s and table_type = 'BASE TABLE' and table_name not in ('eh_api_keys', 'eh_schema')"))
        {
            cmd.Parameters.AddWithValue("s", source.Name);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) tables.Add(r.GetString(0));
        }
        foreach (var table in tables)
            await target.ExecuteAsync($"create table if not exists {target.Name}.{table} (like {source.Name}.{table} including all)");
        tables = [.. tables.OrderBy(t => t == "mt_streams" ? 0 : t == "mt_events" ? 1 : 2).ThenBy(t => t)];
        // Generated columns (a search document, say) are computed by the server on both sides.
        var columns = new Dictionary<string, string>();
        foreach (var table in tables)
        {
            await using var cmd = source.Db.CreateCommand(
                """
                select string_agg(quote_ident(column_name), ', ' order by ordinal_position) from information_schema.columns
                where table_schema = @s and table_name = @t and is_generated = 'NEVER'
                """);
            cmd.Parameters.AddWithValue("s", source.Name);
            cmd.Parameters.AddWithValue("t", table);
            columns[table] = (string)(await cmd.ExecuteScalarAsync())!;
        }
        await source.SettleAsync();
        var clock = Stopwatch.StartNew();
        await target.ExecuteAsync("begin; " + string.Join(" ", tables.Select(t => $"insert into {target.Name}.{t} ({columns[t]}) select {columns[t]} from {source.Name}.{t};")) + " commit;");
        var seconds = clock.Elapsed.TotalSeconds;
        return (await target.ScalarAsync("select count(*) from mt_events"), seconds);
    }

    internal static string Tail(string text) => text.Length > 2000 ? text[^2000..] : text;
}
