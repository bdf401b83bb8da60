using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventHistory.Access;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Xunit.Abstractions;

namespace EventHistory.Cluster.Tests;

/// The topology of scripts/cluster.sh under a bounded load through HAProxy: the primary database
/// dies, the service process whose daemon works dies, and editors read their own writes. Each test
/// first runs `up`, which restarts whatever an earlier test killed, so their order does not matter.
public sealed class ClusterTests(Cluster cluster, ITestOutputHelper output) : IClassFixture<Cluster>
{
    /// A bound, not a pace: every wait returns as soon as its condition holds; a busy machine may need all of it.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private async Task RestoredAsync()
    {
        await cluster.UpAsync();
        await Cluster.UntilAsync(async () => (await cluster.MembersAsync()) is var m
            && m.Any(x => x.Role == "leader" && x.State == "running") && m.Any(x => x.Role == "sync_standby"),
            Limit, "a leader and a synchronous standby");
        output.WriteLine($"cluster up in {cluster.UpTook.TotalSeconds:F1} s (first up of this class); {cluster.Frontend}");
    }

    /// Writers with items of their own, created through the frontend.
    private async Task<List<(string, HttpClient, Guid[])>> WritersAsync(string prefix, int count, int itemsEach)
    {
        var writers = new List<(string, HttpClient, Guid[])>();
        for (var w = 1; w <= count; w++)
        {
            var name = $"{prefix}-writer-{w}";
            var client = await cluster.ClientAsync(name, Role.Editor);
            var items = new Guid[itemsEach];
            for (var i = 0; i < itemsEach; i++)
            {
                var created = await client.PostAsJsonAsync("/api/items", new { date = "2018-01-10", headline = $"{name} item {i} " });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                items[i] = Guid.Parse(created.Headers.Location!.ToString().Split('/').Last());
            }
            writers.Add((name, client, items));
        }
        return writers;
    }

    [Fact]
    public async Task the_primary_killed_under_load_fails_over_within_seconds_and_loses_no_acknowledged_edit()
    {
        await RestoredAsync();
        var writers = await WritersAsync("failover", 4, 5);
        var readers = new List<HttpClient> { await cluster.ClientAsync("failover-reader-1", Role.Reader), await cluster.ClientAsync("failover-reader-2", Role.Reader) };
        var traffic = new Traffic(writers, readers);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var running = traffic.RunAsync(stop.Token);

        await Cluster.UntilAsync(() => Task.FromResult(traffic.Accepted >= 40), Limit, "40 edits before the kill");
        var leader = await cluster.LeaderAsync() ?? throw new InvalidOperationException("no leader");
        var survivor = leader == "node1" ? "node2" : "node1";
        var killedAt = traffic.Clock.Elapsed;
        var acceptedAtKill = traffic.Accepted;
        Cluster.KillHard(cluster.Pid($"{leader}/patroni.pid"), cluster.Pid($"{leader}/data/postmaster.pid"));

        await Cluster.UntilAsync(async () => await cluster.LeaderAsync() == survivor, Limit, $"{survivor} promoted");
        var promotedAt = traffic.Clock.Elapsed;
        var acceptedAtPromotion = traffic.Accepted;
        await Cluster.UntilAsync(() => Task.FromResult(traffic.Accepted >= acceptedAtPromotion + 40), Limit, "40 edits after the promotion");
        await stop.CancelAsync();
        await running;
        output.WriteLine("cluster.sh status after the failover:\n" + await cluster.StatusAsync());

        var requests = traffic.Requests.OrderBy(r => r.Start).ToList();
        var failures = requests.Where(r => r.End >= killedAt && r.Outcome is not (Outcome.Accepted or Outcome.Conflict)).ToList();
        Assert.NotEmpty(failures);
        var firstFailure = failures.Min(r => r.End);
        var firstSuccess = requests.Where(r => r.Start >= firstFailure && r.Outcome == Outcome.Accepted).Min(r => r.End);
        var firstWrite = requests.Where(r => r.Write && r.Start >= firstFailure && r.Outcome == Outcome.Accepted).Min(r => r.End);
        output.WriteLine($"{leader} killed at {killedAt.TotalSeconds:F1} s, {survivor} promoted (seen) {(promotedAt - killedAt).TotalSeconds:F1} s later");
        output.WriteLine($"failover: first failed request to first success {(firstSuccess - firstFailure).TotalSeconds:F1} s " +
            $"(to the first accepted edit {(firstWrite - firstFailure).TotalSeconds:F1} s)");
        output.WriteLine($"{traffic.Accepted} edits acknowledged ({acceptedAtKill} before the kill), {traffic.With(Outcome.Conflict).Count()} conflicts, " +
            $"{traffic.With(Outcome.Unavailable).Count()} answered 503 + Retry-After, {traffic.With(Outcome.Lost).Count()} lost in flight, {traffic.With(Outcome.Unexpected).Count()} unexpected");

        Assert.Empty(traffic.With(Outcome.Unexpected).Select(r => r.Detail).Distinct());
        Assert.NotEmpty(traffic.With(Outcome.Unavailable));

        // Every acknowledged edit is in the history, at its revision, with its headline.
        var admin = await cluster.ClientAsync("cluster-admin", Role.Admin);
        var items = writers.SelectMany(w => w.Item3).ToArray();
        var history = await Traffic.HistoriesAsync(admin, items);
        var acknowledged = traffic.With(Outcome.Accepted).Where(r => r.Write).ToList();
        var lost = acknowledged.Where(a => !history.TryGetValue((a.Item, a.Revision!.Value), out var h) || h != a.Headline).ToList();
        var stored = await cluster.ScalarAsync($"select count(*) from mt_events where stream_id in ({string.Join(",", items.Select(i => $"'{i}'"))})");
        output.WriteLine($"acknowledged edits lost: {lost.Count} of {acknowledged.Count}; the store holds {stored} events of these items " +
            $"({items.Length} creations + {stored - items.Length} edits: {stored - items.Length - acknowledged.Count} committed without an answer)");
        Assert.Empty(lost);
        Assert.True(stored >= items.Length + acknowledged.Count);

        var verify = await admin.GetFromJsonAsync<JsonElement>("/api/verify");
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());

        // The new primary's daemon goes on from the old one's progress: no committed event skipped or counted twice.
        await ProjectionsCaughtUpAsync();
        var skips = await cluster.TextAsync("select coalesce(string_agg(format('%s-%s', starting_sequence, ending_sequence), ', '), 'none') from mt_high_water_skips");
        output.WriteLine($"projections caught up after the failover; Marten's skipped sequence ranges: {skips}");
        Assert.Equal(await cluster.TextAsync(Committed), await cluster.TextAsync(Projected));
        foreach (var (_, client, _) in writers) client.Dispose();
        foreach (var client in readers.Append(admin)) client.Dispose();
    }

    [Fact]
    public async Task a_planned_switchover_under_load_answers_each_request_with_success_a_conflict_or_a_503()
    {
        await RestoredAsync();
        var writers = await WritersAsync("switchover", 3, 4);
        var traffic = new Traffic(writers, [await cluster.ClientAsync("switchover-reader", Role.Reader)]);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var running = traffic.RunAsync(stop.Token);

        await Cluster.UntilAsync(() => Task.FromResult(traffic.Accepted >= 30), Limit, "30 edits before the switchover");
        var leader = await cluster.LeaderAsync() ?? throw new InvalidOperationException("no leader");
        var candidate = leader == "node1" ? "node2" : "node1";
        var switchedAt = traffic.Clock.Elapsed;
        // The demoted primary is where a write can meet 25006 (read-only): that must be a 503 too.
        await cluster.PatronictlAsync("switchover", "--leader", leader, "--candidate", candidate, "--force");
        await Cluster.UntilAsync(async () => await cluster.LeaderAsync() == candidate, Limit, $"{candidate} the leader");
        var acceptedAtSwitch = traffic.Accepted;
        await Cluster.UntilAsync(() => Task.FromResult(traffic.Accepted >= acceptedAtSwitch + 30), Limit, "30 edits after the switchover");
        await stop.CancelAsync();
        await running;

        var failures = traffic.Requests.Where(r => r.Outcome is not (Outcome.Accepted or Outcome.Conflict)).ToList();
        output.WriteLine($"switchover {leader} -> {candidate}: {(failures.Count == 0 ? 0 : (failures.Max(r => r.End) - failures.Min(r => r.Start)).TotalSeconds):F1} s of failed requests, " +
            $"{traffic.Accepted} edits acknowledged, {traffic.With(Outcome.Unavailable).Count()} answered 503 + Retry-After, " +
            $"{traffic.With(Outcome.Lost).Count()} lost in flight, {traffic.With(Outcome.Unexpected).Count()} unexpected (switch at {switchedAt.TotalSeconds:F1} s)");
        Assert.Empty(traffic.With(Outcome.Unexpected).Select(r => r.Detail).Distinct());

        var admin = await cluster.ClientAsync("cluster-admin", Role.Admin);
        var history = await Traffic.HistoriesAsync(admin, writers.SelectMany(w => w.Item3));
        var lost = traffic.With(Outcome.Accepted).Where(r => r.Write)
            .Where(a => !history.TryGetValue((a.Item, a.Revision!.Value), out var h) || h != a.Headline).ToList();
        Assert.Empty(lost);
        foreach (var (_, client, _) in writers) client.Dispose();
        admin.Dispose();
    }

    private const string Projected =
        "select coalesce(string_agg(format('%s %s %s %s', stream_id, events, last_version, out_of_order), E'\\n' order by stream_id), '') from eh_stream_event_counts";
    private const string Committed =
        "select coalesce(string_agg(format('%s %s %s %s', stream_id, n, v, 0), E'\\n' order by stream_id), '') from (select stream_id, count(*) n, max(version) v from mt_events group by stream_id) c";

    /// The service process (its Application Name) holding the hot/cold lock of Marten's daemon for stream_event_counts.
    private async Task<string?> DaemonHolderAsync()
    {
        var lockId = ProjectionLockIds.Compute("public", new ShardName("stream_event_counts"), new DaemonSettings().DaemonLockId);
        await using var cmd = cluster.Primary.CreateCommand("""
            select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and l.objsubid = 1 and ((l.classid::bigint << 32) | l.objid::bigint) = @lock
            """);
        cmd.Parameters.AddWithValue("lock", (long)lockId);
        return await cmd.ExecuteScalarAsync() as string;
    }

    [Fact]
    public async Task the_service_process_whose_daemon_works_killed_under_load_leaves_the_projections_to_the_other()
    {
        await RestoredAsync();
        await Cluster.UntilAsync(async () => await DaemonHolderAsync() is not null, Limit, "a daemon working on stream_event_counts");
        var writers = await WritersAsync("daemon", 3, 4);
        var traffic = new Traffic(writers, []);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var running = traffic.RunAsync(stop.Token);

        await Cluster.UntilAsync(() => Task.FromResult(traffic.Accepted >= 30), Limit, "30 edits before the kill");
        var holder = (await DaemonHolderAsync())!;
        var process = holder.Replace("eventhistory-", "");   // api1 or api2
        var other = process == "api1" ? "eventhistory-api2" : "eventhistory-api1";
        var killedAt = traffic.Clock.Elapsed;
        Cluster.KillHard(cluster.Pid($"{process}.pid"));

        await Cluster.UntilAsync(async () => await DaemonHolderAsync() == other, Limit, $"{other} taking the daemon's lock");
        var tookOver = traffic.Clock.Elapsed - killedAt;
        var acceptedAtTakeover = traffic.Accepted;
        await Cluster.UntilAsync(() => Task.FromResult(traffic.Accepted >= acceptedAtTakeover + 30), Limit, "30 edits after the takeover");
        await stop.CancelAsync();
        await running;

        var caughtUp = Stopwatch.StartNew();
        await ProjectionsCaughtUpAsync();
        output.WriteLine($"{holder} killed; {other} took the daemon's lock {tookOver.TotalSeconds:F1} s later; projections caught up {caughtUp.Elapsed.TotalSeconds:F1} s after the load stopped");
        output.WriteLine($"{traffic.Accepted} edits acknowledged, {traffic.With(Outcome.Lost).Count()} lost in flight (502 or a dropped connection), " +
            $"{traffic.With(Outcome.Unavailable).Count()} answered 503, {traffic.With(Outcome.Unexpected).Count()} unexpected");
        Assert.Equal(await cluster.TextAsync(Committed), await cluster.TextAsync(Projected));
        Assert.Empty(traffic.With(Outcome.Unexpected).Select(r => r.Detail).Distinct());
        foreach (var (_, client, _) in writers) client.Dispose();
    }

    /// Both async projections have reached the last committed event. Marten may skip a sequence gap
    /// it finds no live transaction for (a failover leaves some: sequence numbers the old primary had
    /// handed out, and appends that died with it); the per-stream counts then show whether any event
    /// that did commit was skipped or applied twice.
    private Task ProjectionsCaughtUpAsync() => Cluster.UntilAsync(async () =>
            await cluster.ScalarAsync("select count(*) from mt_events") == await cluster.ScalarAsync("select coalesce(sum(events), 0) from eh_stream_event_counts")
            && await cluster.ScalarAsync("select count(*) from mt_event_progression where name = 'item_search:All' and last_seq_id = (select max(seq_id) from mt_events)") == 1,
        Limit, "the projections to catch up");

    [Fact]
    public async Task a_thousand_writes_each_read_back_with_its_consistency_token_show_the_write()
    {
        await RestoredAsync();
        var writers = await WritersAsync("token", 4, 1);
        var pairs = await Task.WhenAll(writers.Select(w => Task.Run(() => PairsAsync(w.Item2, w.Item3[0], w.Item1, 250))));
        var all = pairs.SelectMany(p => p).ToList();
        var sources = all.GroupBy(p => p.Source ?? "(no Read-Source)").Select(g => $"{g.Key}: {g.Count()}");
        output.WriteLine($"{all.Count} write-then-read pairs; {all.Count(p => p.Token is null)} writes without a Consistency-Token; " +
            $"{all.Count(p => !p.Seen)} reads without their write; reads from {string.Join(", ", sources)}");
        Assert.Equal(1000, all.Count);
        Assert.Empty(all.Where(p => p.Token is null).Select(p => $"write {p.Revision} of {p.Item} had no Consistency-Token").Take(3));
        Assert.Empty(all.Where(p => !p.Seen).Select(p => $"read of {p.Item} after revision {p.Revision} (token {p.Token}) from {p.Source} missed it").Take(5));
        foreach (var (_, client, _) in writers) client.Dispose();
    }

    private sealed record Pair(Guid Item, long Revision, string? Token, string? Source, bool Seen);

    private static async Task<List<Pair>> PairsAsync(HttpClient client, Guid item, string name, int count)
    {
        var pairs = new List<Pair>();
        long revision = 1;
        for (var n = 0; n < count; n++)
        {
            var headline = $"{name} pair {n} ";
            using var write = new HttpRequestMessage(HttpMethod.Post, $"/api/items/{item}/headline") { Content = JsonContent.Create(new { headline, reason = "read your writes" }) };
            write.Headers.TryAddWithoutValidation("If-Match", $"\"{revision}\"");
            using var written = await client.SendAsync(write);
            Assert.Equal(HttpStatusCode.OK, written.StatusCode);
            revision = (await written.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revision").GetInt64();
            var token = written.Headers.TryGetValues("Consistency-Token", out var t) ? t.First() : null;

            using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/items/{item}");
            if (token is not null) read.Headers.TryAddWithoutValidation("Consistency-Token", token);
            using var answer = await client.SendAsync(read);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var seen = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("headline").GetString() == headline;
            var source = answer.Headers.TryGetValues("Read-Source", out var s) ? s.First() : null;
            pairs.Add(new Pair(item, revision, token, source, seen));
        }
        return pairs;
    }

    [Fact]
    public async Task read_throughput_with_one_and_with_two_service_nodes_behind_the_balancer()
    {
        await RestoredAsync();
        var writers = await WritersAsync("throughput", 2, 25);
        var items = writers.SelectMany(w => w.Item3).ToArray();
        var readers = new List<HttpClient>();
        for (var r = 1; r <= 8; r++) readers.Add(await cluster.ClientAsync($"throughput-reader-{r}", Role.Reader));
        const int requests = 4000;

        // Warm both processes (JIT, caches, pools), then alternate the two set-ups so that a build
        // elsewhere on the machine does not weigh on one of them only; the better round of each counts.
        await MeasureAsync(readers, items, 1000);
        var one = new List<double>();
        var two = new List<double>();
        for (var round = 0; round < 2; round++)
        {
            two.Add(await MeasureAsync(readers, items, requests));
            await cluster.HaproxyAsync("disable server api/api2");
            try { one.Add(await MeasureAsync(readers, items, requests)); }
            finally { await cluster.HaproxyAsync("enable server api/api2"); }
        }

        output.WriteLine($"read throughput, {readers.Count} concurrent clients, {requests} GET /api/items/{{id}} a round, {Environment.ProcessorCount} cores shared by everything:");
        output.WriteLine($"  one service node behind HAProxy:  {one.Max():F0} requests/s (rounds: {string.Join(", ", one.Select(r => r.ToString("F0")))})");
        output.WriteLine($"  two service nodes behind HAProxy: {two.Max():F0} requests/s (rounds: {string.Join(", ", two.Select(r => r.ToString("F0")))}; {two.Max() / one.Max():F2}x)");
        foreach (var client in readers) client.Dispose();
        foreach (var (_, client, _) in writers) client.Dispose();
    }

    /// Requests per second for a fixed number of reads of random items, shared among the clients;
    /// every one must succeed.
    private static async Task<double> MeasureAsync(IReadOnlyList<HttpClient> readers, Guid[] items, int requests)
    {
        var left = requests;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(readers.Select((client, n) => Task.Run(async () =>
        {
            var random = new Random(n);
            while (Interlocked.Decrement(ref left) >= 0)
            {
                using var response = await client.GetAsync($"/api/items/{items[random.Next(items.Length)]}");
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref failures);
            }
        })));
        clock.Stop();
        Assert.Equal(0, failures);
        return requests / clock.Elapsed.TotalSeconds;
    }
}
