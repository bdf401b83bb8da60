using System.Diagnostics;
using EventHistory.NewsItems;
using Npgsql;

namespace EventHistory.Bench.Measures;

/// Measure 8: what a user waits for on a read from the command line. `eventhistory show ITEM`
/// (the built CLI dll run as its own process, as scripts/eventhistory runs it: process start-up,
/// the schema check, the query, the output) against `psql -c` reading the same item's current row
/// from eh_items, run after run, alternating so both see the same machine. Also `eventhistory
/// --help`, which reaches no database (target: well under a second).
public static class CliRead
{
    public static async Task<IReadOnlyList<Measure>> RunAsync(Options o)
    {
        await using var schema = await BenchSchema.CreateAsync(o.ConnectionString, "bench_cli_read");
        await using var domain = Domain.For(schema.Db);
        var id = (await domain.CreateAsync("An item read from the command line, with a headline of usual length")).ItemId;
        for (var revision = 1; revision < 5; revision++)
            await domain.SendAsync(new ReviseSummary.Command(id, $"Summary of revision {revision + 1}, a sentence of usual length.", null, revision));
        await schema.SettleAsync();

        var cli = o.CliDll;
        if (!File.Exists(cli)) throw new FileNotFoundException($"{cli} is missing: scripts/bench.sh builds the solution in Release and publishes the CLI.");
        var server = new NpgsqlConnectionStringBuilder(schema.ConnectionString);
        var psql = Environment.GetEnvironmentVariable("PG_BIN") is { } bin ? Path.Combine(bin, "psql") : "psql";
        var env = new Dictionary<string, string> { ["EVENTHISTORY_DB"] = schema.ConnectionString };
        string[] show = [cli, "show", id.ToString()];
        string[] row = ["-X", "-q", "-A", "-t", "-h", server.Host!, "-p", $"{server.Port}", "-U", server.Username ?? "postgres", "-d", server.Database ?? "postgres",
            "-c", $"select * from {schema.Name}.eh_items where id = '{id}'"];

        var (ours, theirs, help) = (new List<double>(), new List<double>(), new List<double>());
        var warmup = Math.Max(2, o.CliRuns / 10);
        for (var run = -warmup; run < o.CliRuns; run++)
        {
            var a = await TimeAsync("dotnet", show, env, id.ToString());
            var b = await TimeAsync(psql, row, env, id.ToString());
            var h = await TimeAsync("dotnet", [cli, "--help"], env, "show");
            if (run < 0) continue;
            ours.Add(a);
            theirs.Add(b);
            help.Add(h);
        }
        var note = $"{o.CliRuns} runs each after {warmup} unmeasured, alternating, wall time of the whole process: `dotnet {o.CliName} show ID` " +
                   $"(start-up, schema fingerprint check, one item read through MediatR, output) vs `psql -X -c \"select * from eh_items where id = ...\"` " +
                   $"(the item's current row); ours p90 {Percentile(ours, 0.9):F0} ms, psql p90 {Percentile(theirs, 0.9):F0} ms. " +
                   "Ours is bound by the .NET runtime's start-up, the JIT of what is not compiled ahead of time, and the first connection (a new process per call), not by the database.";
        return
        [
            new Measure("8 CLI show ITEM vs psql -c, median", Percentile(ours, 0.5), Percentile(theirs, 0.5), "ms", "<= 3", note),
            new Measure("8h CLI --help, median", Percentile(help, 0.5), null, "ms", "< 1000", "no database reached"),
        ];
    }

    /// The process's wall time in ms, from start to exit; it must succeed and print <paramref name="expect"/>.
    private static async Task<double> TimeAsync(string program, string[] args, Dictionary<string, string> env, string expect)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env) info.Environment[k] = v;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0 || !(await output).Contains(expect, StringComparison.Ordinal))
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {await error}");
        return elapsed;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }
}
