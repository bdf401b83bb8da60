using System.Diagnostics;
using EventHistory.Access;
using EventHistory.EventStore;
using EventHistory.NewsItems;

namespace EventHistory.Bench.Measures;

/// Measure 6: rebuilding every async projection from a million events with the command-line
/// tool (one `eventhistory rebuild NAME...` of every async projection `eventhistory projections`
/// lists, rebuilt at the same time, each set-based in SQL by ranges of sequence numbers), against a raw scan of the events in the global order
/// (tx_id, seq_id), read to the client.
/// The million events are real appends of news items (created, then headline revisions) copied
/// server-side onto fresh streams.
public static class Rebuild
{
    public static async Task<IReadOnlyList<Measure>> RunAsync(Options o)
    {
        var name = $"6 rebuild async projections from {o.RebuildEvents:N0} events";
        await using var schema = await BenchSchema.CreateAsync(o.ConnectionString, "bench_rebuild");
        var key = await new ApiKeys(schema.Db).CreateAsync("bench-admin", Role.Admin);
        var env = new Dictionary<string, string> { ["EVENTHISTORY_DB"] = schema.ConnectionString, ["EVENTHISTORY_KEY"] = key };

        var names = await AsyncProjectionsAsync(o, env);
        if (names is null) return [Measure.NotMeasured(name, "events/s", ">= 0.5", "this build's CLI has no projections/rebuild commands")];
        if (names.Count == 0) return [Measure.NotMeasured(name, "events/s", ">= 0.5", "the CLI lists no async projection")];

        var events = await SeedAsync(o, schema);
        await schema.SettleAsync();

        // Warm the server's cache alike for both: one untimed scan first.
        await ScanAsync(schema);
        var clock = Stopwatch.StartNew();
        var scanned = await ScanAsync(schema);
        var scanSeconds = clock.Elapsed.TotalSeconds;

        // One `eventhistory rebuild A B`: the projections are rebuilt at the same time, each on its own
        // connections. Stopped at the time budget, the events its progress bar last showed replayed
        // are counted (nothing is committed to the live tables before the end), so the rate is
        // measured even when the whole would not fit.
        double wholeSeconds, toolCpu;
        var unfinished = false;
        var cpu0 = Cpu.Read();
        var bench0 = Process.GetCurrentProcess().TotalProcessorTime;
        clock.Restart();
        await using (var tool = ChildProcess.Start(o, "EventHistory.Cli", ["rebuild", .. names], env))
        {
            var sampled = SampleCpuAsync(tool.Process.Id);
            var exit = await tool.WaitOrStopAsync(TimeSpan.FromSeconds(o.RebuildSeconds));
            var took = clock.Elapsed.TotalSeconds;
            if (exit is null)
            {
                unfinished = true;
                var (replayed, total) = LastProgress(tool.Output);
                wholeSeconds = replayed == 0 ? double.PositiveInfinity : took * total / replayed;
            }
            else if (exit != 0) throw new InvalidOperationException($"rebuild exited {exit}: {tool.Output[^Math.Min(2000, tool.Output.Length)..]}");
            else wholeSeconds = took;
            toolCpu = await sampled;
        }
        var cpu1 = Cpu.Read();
        var busy = cpu1.BusySince(cpu0);
        // The server's share: the machine's busy CPU time less the rebuild process's and the bench's
        // own, as nothing else runs here. (Summing the server's processes from /proc once read 5.7 s
        // in a full run where the machine was busy for about 19 CPU seconds, 1.3 of them the
        // rebuild process's: not explained, so not used.)
        var server = cpu1.BusySecondsSince(cpu0) - toolCpu - (Process.GetCurrentProcess().TotalProcessorTime - bench0).TotalSeconds;
        var bound =
            " Each projection applied its events in SQL to copies of its tables, one statement and one commit per range of 100,000 sequence numbers and slice of streams (one slice per core; nothing deserialized in the client), then built the copies' other indexes (item_search's GIN) and swapped them in;" +
            $" CPU: the rebuild processes {toolCpu:F1} s ({toolCpu * 1e6 / (events * names.Count):F1} µs per event: mostly process start-up)" +
            $", the rest of the machine (PostgreSQL) {server:F1} s ({server * 1e6 / (events * names.Count):F1} µs per event: the range scans, grouping by stream, the row merges, item_search's JSON fields, tsvector and GIN entries).";
        var partial = !unfinished ? "" :
            $" The rebuild did not finish within {o.RebuildSeconds:F0} s: its time for all events is extrapolated from the events its progress bar last showed replayed.";
        var ours = events / wholeSeconds;
        return
        [
            new Measure(name, ours, scanned / scanSeconds, "events/s", ">= 0.5",
                $"ours: {string.Join(" + ", names)} rebuilt at the same time by one `eventhistory rebuild {string.Join(" ", names)}`, {wholeSeconds:F1} s for all {events:N0} events " +
                $"(process start-up included), machine CPU {busy:P0} busy; baseline: {scanned:N0} rows read in (tx_id, seq_id) order in {scanSeconds:F1} s.{partial}{bound}"),
        ];
    }

    /// The CPU seconds (user and system) a process has used, sampled until it exits: the last reading.
    private static async Task<double> SampleCpuAsync(int pid)
    {
        double last = 0;
        while (true)
        {
            var now = ProcessCpuSeconds(pid);
            if (now is null) return last;
            last = now.Value;
            await Task.Delay(100);
        }
    }

    /// utime + stime from /proc/PID/stat; null once it is gone.
    private static double? ProcessCpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (f[0] == "Z") return null;
            var ticks = long.Parse(f[11]) + long.Parse(f[12]);
            return ticks / 100.0; // USER_HZ
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return null; }
    }

    /// The async projections' names from `eventhistory projections`; null when the CLI has no such command.
    private static async Task<List<string>?> AsyncProjectionsAsync(Options o, Dictionary<string, string> env)
    {
        await using var tool = ChildProcess.Start(o, "EventHistory.Cli", ["projections"], env);
        var exit = await tool.WaitAsync(TimeSpan.FromMinutes(2));
        await Task.Delay(200);
        if (exit != 0) return null;
        return tool.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 1 && f[1] == "async")
            .Select(f => f[0]).ToList();
    }

    /// Real appends (items created, then revised) as the seed, copied onto fresh streams until the
    /// target count: one transaction per chunk, as many writers' transactions would have been.
    private static async Task<long> SeedAsync(Options o, BenchSchema schema)
    {
        await using var domain = Domain.For(schema.Db);
        var store = domain.Get<EventStore.EventStore>();
        const int items = 250, revisions = 3;
        for (var i = 0; i < items; i++)
        {
            var id = (await domain.CreateAsync($"Rebuild benchmark item {i} is created with a headline of usual length")).ItemId;
            var edits = Enumerable.Range(1, revisions).Select(n => (object)StoreAppend.Edit(i, n)).ToList();
            await store.AppendAsync(id, NewsItemEventTypes.StreamType, 1, edits, new EventMetadata("bench-editor"));
        }
        await schema.ExecuteAsync(
            "create table seed_streams as select * from mt_streams; create table seed_events as select * from mt_events; " +
            "create table seed_chain as select * from eh_event_chain");
        var seed = await schema.ScalarAsync("select count(*) from seed_events");
        var copies = (int)Math.Ceiling((double)(o.RebuildEvents - seed) / seed);
        var perChunk = Math.Max(1, (int)(100_000 / seed));
        for (var from = 1; from <= copies; from += perChunk)
        {
            var to = Math.Min(copies, from + perChunk - 1);
            await schema.ExecuteAsync(
                $$"""
                begin;
                insert into mt_streams (id, type, version, timestamp, created)
                select md5(s.id::text || ':' || k)::uuid, s.type, s.version, s.timestamp, s.created
                from seed_streams s cross join generate_series({{from}}, {{to}}) k;
                insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp, mt_dotnet_type, user_name)
                select nextval('mt_events_sequence'), gen_random_uuid(), md5(e.stream_id::text || ':' || k)::uuid, e.version,
                    case when e.type = 'news_item_created' then jsonb_set(e.data, '{itemId}', to_jsonb(md5(e.stream_id::text || ':' || k)::uuid)) else e.data end,
                    e.type, e.timestamp, e.mt_dotnet_type, e.user_name
                from seed_events e cross join generate_series({{from}}, {{to}}) k
                order by k, e.seq_id;
                -- The chain rows the append writes (the seed's hashes: a rebuild does not read them).
                insert into eh_event_chain (seq_id, stream_id, version, prev_hash, hash)
                select m.seq_id, m.stream_id, m.version, c.prev_hash, c.hash
                from seed_chain c cross join generate_series({{from}}, {{to}}) k
                join mt_events m on m.stream_id = md5(c.stream_id::text || ':' || k)::uuid and m.version = c.version;
                commit;
                """);
        }
        await schema.ExecuteAsync("drop table seed_streams; drop table seed_events; drop table seed_chain");
        return await schema.ScalarAsync("select count(*) from mt_events");
    }

    /// The last "DONE/TOTAL events" of the rebuild's progress bar (summed over its projections).
    private static (long Done, long Total) LastProgress(string output)
    {
        var last = System.Text.RegularExpressions.Regex.Matches(output, @"(\d+)/(\d+) events").LastOrDefault();
        return last is null ? (0, 1) : (long.Parse(last.Groups[1].Value), long.Parse(last.Groups[2].Value));
    }

    private static async Task<long> ScanAsync(BenchSchema schema)
    {
        await using var cmd = schema.Db.CreateCommand($"select {GlobalReader.Columns} from {GlobalReader.From} order by c.tx_id, c.seq_id");
        cmd.CommandTimeout = 0;
        await using var r = await cmd.ExecuteReaderAsync();
        long rows = 0;
        while (await r.ReadAsync())
        {
            for (var i = 0; i < r.FieldCount; i++)
                if (!r.IsDBNull(i)) r.GetValue(i);
            rows++;
        }
        return rows;
    }
}
