using System.Diagnostics;
using EventHistory.Bench;
using EventHistory.Bench.Measures;
using Npgsql;

var o = Options.Parse(args);
var clock = Stopwatch.StartNew();
void Progress(string what) => Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {what}");

await using var admin = NpgsqlDataSource.Create(o.ConnectionString);
string? periodsMissing = null;
try
{
    await using var cmd = admin.CreateCommand("create extension if not exists periods cascade");
    await cmd.ExecuteNonQueryAsync();
}
catch (PostgresException e) { periodsMissing = e.MessageText; }

// WAL flush timing tells whether durable commits wait on the disk; reloadable, so no restart.
try
{
    foreach (var sql in new[] { "alter system set track_wal_io_timing = on", "select pg_reload_conf()" })
    {
        await using var cmd = admin.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
    Wal.Server = admin;
}
catch (PostgresException e) { Console.Error.WriteLine($"WAL timing unavailable: {e.MessageText}"); }

var machine = await Machine.DescribeAsync(admin, o.ConnectionString);
var when = DateTimeOffset.UtcNow;
Progress($"{(o.Quick ? "quick" : "full")} run on {machine.Summary}");

var measures = new List<Measure>();
async Task Run(string id, string name, string unit, string target, Func<Task<IReadOnlyList<Measure>>> measure)
{
    if (!o.Runs(id)) return;
    Progress($"measure {id}: {name}");
    try { measures.AddRange(await measure()); }
    catch (Exception e)
    {
        Console.Error.WriteLine(e);
        measures.Add(Measure.NotMeasured(name, unit, target, $"failed: {e.GetType().Name}: {e.Message.Split('\n')[0]}"));
    }
}

Throughput? rawBaseline = null;
await Run("1", "1 store append", "events/s", ">= 0.8", async () =>
{
    var outcome = await StoreAppend.RunAsync(o);
    rawBaseline = outcome.Raw;
    return [outcome.Measure];
});
await Run("2", "2 HTTP revise headline", "edits/s", ">= 0.5", async () =>
    rawBaseline is null ? throw new InvalidOperationException("needs measure 1's raw baseline in the same run") : await CommandPath.RunAsync(o, rawBaseline));
await Run("3", "3 bulk import", "events/s", ">= 0.5", () => Import.RunAsync(o));
await Run("4", "4 read rev 1 vs current", "µs", "<= 1.3", () => RevisionReads.RunAsync(o));
await Run("5", "5 vs system-versioned table", "edits/s", ">= 1.0", () =>
    periodsMissing is null ? Temporal.RunAsync(o) : throw new InvalidOperationException("the periods extension is missing: " + periodsMissing));
await Run("6", "6 rebuild async projections", "events/s", ">= 0.5", () => Rebuild.RunAsync(o));
await Run("7", "7 git history import", "events/s", ">= 0.5", () => GitImport.RunAsync(o));
await Run("8", "8 CLI show ITEM vs psql -c", "ms", "<= 3", () => CliRead.RunAsync(o));
await Run("9", "9 history page, long vs 1 revision", "µs", "<= 1.3", () => HistoryPageRender.RunAsync(o));

var table = Report.Table(measures);
var notes = Report.Notes(measures);
Console.WriteLine();
Console.WriteLine($"EventHistory benchmarks, {when:yyyy-MM-dd HH:mm} UTC{(o.Quick ? " (quick sizes: not for comparison)" : "")}");
Console.WriteLine($"Machine: {machine.Summary}");
Console.WriteLine();
Console.Write(table);
Console.WriteLine();
Console.WriteLine(notes);
await Report.WriteJsonAsync(o.Output, machine, when, measures);
await File.WriteAllTextAsync(Path.ChangeExtension(o.Output, o.Partial ? ".md.tmp" : ".md"),
    $"Measured {when:yyyy-MM-dd HH:mm} UTC on {machine.Summary}; whole run {clock.Elapsed.TotalMinutes:F1} min.\n\n{table}\n{notes}\n");
Progress($"wrote {o.Output}");
