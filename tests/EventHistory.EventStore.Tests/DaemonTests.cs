using EventHistory.Testing;
using EventHistory.EventStore.Daemon;
using Npgsql;

namespace EventHistory.EventStore.Tests;

public sealed class DaemonTests(Xunit.Abstractions.ITestOutputHelper output) : StoreTestBase
{
    private static bool Stress => Environment.GetEnvironmentVariable("EVENTHISTORY_STRESS") == "1";

    private EventStore _counting = null!;
    private EventStore Counted => _counting ??= DaemonTesting.CountingStore(Db.DataSource);

    [Fact]
    public async Task eight_writers_with_rollbacks_and_long_transactions_end_with_each_committed_event_counted_once_in_order()
    {
        var store = DaemonTesting.CountingStore(Db.DataSource, new MischiefProjection());
        var streams = Enumerable.Range(0, 24).Select(_ => Guid.NewGuid()).ToArray();
        var perWriter = Stress ? 600 : 40;
        var committed = new int[8];
        var (rolledBack, held) = (0, 0);
        using var stop = new CancellationTokenSource();
        var daemon = Task.Run(() => new AsyncDaemon(store).RunAsync(stop.Token));
        var started = DateTime.UtcNow;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; i < perWriter; i++)
            {
                var roll = random.NextDouble();
                if (roll < 0.04)
                {
                    await RawRollbackAsync();
                    Interlocked.Increment(ref rolledBack);
                    continue;
                }
                var text = roll < 0.12 ? "fail" : roll < 0.14 ? $"slow:{random.Next(1000, 2000)}" : $"w{w}/{i}";
                var events = Enumerable.Range(0, random.Next(1, 4)).Select(k => (object)new Noted(k == 0 ? text : $"w{w}/{i}/{k}")).ToList();
                while (true)
                {
                    var stream = streams[random.Next(streams.Length)];
                    try
                    {
                        await store.AppendAsync(stream, "note", await store.StreamVersionAsync(stream) ?? 0, events, By($"w{w}"));
                        committed[w] += events.Count;
                        if (text.StartsWith("slow")) Interlocked.Increment(ref held);
                        break;
                    }
                    catch (ConcurrencyException) { }
                    catch (InvalidOperationException) { Interlocked.Increment(ref rolledBack); break; }
                }
            }
        })));

        await DaemonTesting.CaughtUpAsync(Db.DataSource, "stream_event_counts");
        await stop.CancelAsync();
        await daemon;
        output.WriteLine($"stress: {committed.Sum()} events committed by 8 writers, {rolledBack} transactions rolled back, " +
            $"{held} held open for seconds, caught up {(DateTime.UtcNow - started).TotalSeconds:0.0} s after start");

        Assert.True(rolledBack > 0 && held > 0);
        Assert.Equal(committed.Sum(), await Db.ScalarAsync("select count(*) from mt_events"));
        Assert.Equal(committed.Sum(), await Db.ScalarAsync("select coalesce(sum(events), 0) from eh_stream_event_counts"));
        Assert.Equal(0L, await Db.ScalarAsync("select coalesce(sum(out_of_order), 0) from eh_stream_event_counts"));
        Assert.Equal(await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.CommittedCounts),
            await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.ProjectedCounts));
    }

    /// A transaction that draws sequence numbers, writes an event row and rolls back.
    private async Task RawRollbackAsync()
    {
        await using var conn = await Db.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await EventStoreSchemaTestSql.InsertRawEventAsync(conn, tx, Guid.NewGuid());
        await tx.RollbackAsync();
    }

    [Fact]
    public async Task a_second_daemon_waits_on_standby_and_takes_over_when_the_first_stops()
    {
        using var stopFirst = new CancellationTokenSource();
        using var stopSecond = new CancellationTokenSource();
        // Two stores, as two processes would have.
        var (first, second) = (new AsyncDaemon(Counted), new AsyncDaemon(DaemonTesting.CountingStore(Db.DataSource)));
        var firstRun = Task.Run(() => first.RunAsync(stopFirst.Token));
        await Poll.UntilAsync(() => first.Works, TimeSpan.FromSeconds(30), "the first daemon to work");
        var secondRun = Task.Run(() => second.RunAsync(stopSecond.Token));

        var id = Guid.NewGuid();
        await Counted.AppendAsync(id, "note", 0, [new Noted("1"), new Noted("2")], By("ann"));
        await DaemonTesting.CaughtUpAsync(Db.DataSource, "stream_event_counts");
        Assert.False(second.Works);
        Assert.Equal("running", (await ProjectionStatusReader.ReadAsync(Db.DataSource, ["stream_event_counts"]))[0].State);

        await stopFirst.CancelAsync();
        await firstRun;
        await Poll.UntilAsync(() => second.Works, TimeSpan.FromSeconds(30), "the second daemon to take over");
        await Counted.AppendAsync(id, "note", 2, [new Noted("3")], By("ann"));
        await DaemonTesting.CaughtUpAsync(Db.DataSource, "stream_event_counts");
        await stopSecond.CancelAsync();
        await secondRun;

        Assert.Equal(3L, await Db.ScalarAsync($"select events from eh_stream_event_counts where stream_id = '{id}'"));
        Assert.Equal("stopped", (await ProjectionStatusReader.ReadAsync(Db.DataSource, ["stream_event_counts"]))[0].State);
    }

    [Fact]
    public async Task status_reports_the_lag_in_events_until_the_daemon_catches_up()
    {
        var id = Guid.NewGuid();
        await Counted.AppendAsync(id, "note", 0, [new Noted("1"), new Noted("2"), new Noted("3")], By("ann"));
        var before = (await ProjectionStatusReader.ReadAsync(Db.DataSource, ["stream_event_counts"]))[0];
        Assert.Equal((3L, "stopped"), (before.LagEvents, before.State));
        Assert.True(before.LagSeconds >= 0);

        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => new AsyncDaemon(Counted).RunAsync(stop.Token));
        await DaemonTesting.CaughtUpAsync(Db.DataSource, "stream_event_counts");
        var after = (await ProjectionStatusReader.ReadAsync(Db.DataSource, ["stream_event_counts"]))[0];
        await stop.CancelAsync();
        await run;

        Assert.Equal(0L, after.LagEvents);
        Assert.NotNull(after.LastUpdated);
        Assert.Equal(await Db.ScalarAsync("select max(seq_id) from mt_events"), after.LastSequence);
    }

    [Fact]
    public async Task a_rebuild_while_the_daemon_runs_and_writers_append_counts_every_event_once()
    {
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var id in ids) await Counted.AppendAsync(id, "note", 0, [.. Enumerable.Range(0, 100).Select(i => (object)new Noted($"{i}"))], By("ann"));
        using var stop = new CancellationTokenSource();
        var daemon = new AsyncDaemon(Counted);
        var run = Task.Run(() => daemon.RunAsync(stop.Token));
        await DaemonTesting.CaughtUpAsync(Db.DataSource, "stream_event_counts");

        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
                await Counted.AppendAsync(ids[i % 5], "note", (long)(await Counted.StreamVersionAsync(ids[i % 5]))!, [new Noted($"during {i}")], By("bob"));
        });
        var reports = new List<RebuildProgress>();
        var replayed = await new ProjectionRebuilder(Counted, daemon).RebuildAsync(Counted.AsyncProjections[0], new SyncProgress(reports.Add));
        await writing;
        await DaemonTesting.CaughtUpAsync(Db.DataSource, "stream_event_counts");
        await stop.CancelAsync();
        await run;

        Assert.True(replayed >= 500);
        Assert.Equal(replayed, reports[^1].Done);
        Assert.Equal(await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.CommittedCounts),
            await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.ProjectedCounts));
    }

    [Fact]
    public async Task an_append_held_open_past_the_stale_threshold_is_counted_once_when_it_commits_late()
    {
        var holding = new HoldingProjection();
        var store = DaemonTesting.CountingStore(Db.DataSource, holding);
        var (early, held, late) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => new AsyncDaemon(store).RunAsync(stop.Token));
        await store.AppendAsync(early, "note", 0, [new Noted("before")], By("ann"));
        await DaemonTesting.CaughtUpAsync(Db.DataSource, "stream_event_counts");

        // The held append has drawn its sequence number; later appends commit above it.
        var holdingAppend = Task.Run(() => store.AppendAsync(held, "note", 0, [new Noted("hold")], By("ann")));
        await holding.Held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 5; i++) await store.AppendAsync(late, "note", i, [new Noted($"after {i}")], By("bob"));

        // Well past Marten's stale-sequence threshold, with the daemon polling all the while.
        var threshold = store.Marten.Options.Events.Daemon.StaleSequenceThreshold;
        var until = DateTime.UtcNow + threshold * 3 + TimeSpan.FromSeconds(1);
        while (DateTime.UtcNow < until)
        {
            Assert.Equal(1L, await Db.ScalarAsync("select coalesce(sum(events), 0) from eh_stream_event_counts"));
            await Task.Delay(250);
        }

        holding.Release.SetResult();
        await holdingAppend;
        await DaemonTesting.CaughtUpAsync(Db.DataSource, "stream_event_counts");
        await stop.CancelAsync();
        await run;

        Assert.Equal(7L, await Db.ScalarAsync("select coalesce(sum(events), 0) from eh_stream_event_counts"));
        Assert.Equal(1L, await Db.ScalarAsync($"select events from eh_stream_event_counts where stream_id = '{held}'"));
        Assert.Equal(await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.CommittedCounts),
            await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.ProjectedCounts));
    }

    [Fact]
    public async Task a_rebuild_stops_below_an_append_held_open_and_the_daemon_counts_it_once_when_it_commits()
    {
        var holding = new HoldingProjection();
        var store = DaemonTesting.CountingStore(Db.DataSource, holding);
        var (early, held, late) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await store.AppendAsync(early, "note", 0, [new Noted("1"), new Noted("2"), new Noted("3")], By("ann"));
        // The held append has drawn its sequence number; later appends commit above it.
        var holdingAppend = Task.Run(() => store.AppendAsync(held, "note", 0, [new Noted("hold")], By("ann")));
        await holding.Held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 5; i++) await store.AppendAsync(late, "note", i, [new Noted($"after {i}")], By("bob"));

        await new ProjectionRebuilder(store, new AsyncDaemon(store)).RebuildAsync(store.AsyncProjections[0], null);
        // Everything below the hole, nothing from it on: the held event may still commit there.
        Assert.Equal(3L, await Db.ScalarAsync($"select events from eh_stream_event_counts where stream_id = '{early}'"));
        Assert.Equal(0L, await Db.ScalarAsync($"select count(*) from eh_stream_event_counts where stream_id in ('{held}', '{late}')"));
        Assert.Equal(await Db.ScalarAsync($"select max(seq_id) from mt_events where stream_id = '{early}'"),
            await Db.ScalarAsync("select last_seq_id from mt_event_progression where name = 'stream_event_counts:All'"));

        holding.Release.SetResult();
        await holdingAppend;
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => new AsyncDaemon(store).RunAsync(stop.Token));
        await DaemonTesting.CaughtUpAsync(Db.DataSource, "stream_event_counts");
        await stop.CancelAsync();
        await run;

        Assert.Equal(1L, await Db.ScalarAsync($"select events from eh_stream_event_counts where stream_id = '{held}'"));
        Assert.Equal(5L, await Db.ScalarAsync($"select events from eh_stream_event_counts where stream_id = '{late}'"));
        Assert.Equal(await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.CommittedCounts),
            await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.ProjectedCounts));
    }

    [Fact]
    public async Task a_rebuild_with_no_appender_in_progress_goes_past_a_rolled_back_hole()
    {
        var (before, after) = (Guid.NewGuid(), Guid.NewGuid());
        await Counted.AppendAsync(before, "note", 0, [new Noted("1")], By("ann"));
        await RawRollbackAsync();
        await Counted.AppendAsync(after, "note", 0, [new Noted("2"), new Noted("3")], By("ann"));

        await new ProjectionRebuilder(Counted, new AsyncDaemon(Counted)).RebuildAsync(Counted.AsyncProjections[0], null);
        Assert.Equal(2L, await Db.ScalarAsync($"select events from eh_stream_event_counts where stream_id = '{after}'"));
        Assert.Equal(await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.CommittedCounts),
            await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.ProjectedCounts));
    }

    private sealed class SyncProgress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => report(value);
    }
}
