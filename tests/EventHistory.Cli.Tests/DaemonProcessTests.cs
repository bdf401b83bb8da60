using EventHistory.EventStore;
using EventHistory.Infrastructure;
using EventHistory.Testing;

namespace EventHistory.Cli.Tests;

/// `eventhistory daemon` as real processes, killed with SIGKILL.
public sealed class DaemonProcessTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private EventStore.EventStore _store = null!;

    private const string Projected =
        "select coalesce(string_agg(format('%s %s %s %s', stream_id, events, last_version, out_of_order), E'\\n' order by stream_id), '') from eh_stream_event_counts";
    private const string Committed =
        "select coalesce(string_agg(format('%s %s %s %s', stream_id, n, v, 0), E'\\n' order by stream_id), '') from (select stream_id, count(*) n, max(version) v from mt_events group by stream_id) c";

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await ServiceRegistration.EnsureSchemaAsync(_db.DataSource);
        // The domain's event types: a daemon process projects the events it knows, and Marten's daemon
        // skips an event type no one registered with it.
        _store = new EventStore.EventStore(_db.DataSource, DomainEventTypes.Register(new EventTypes()), []);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// Appends to new streams; the first gets <paramref name="firstStream"/> when given.
    private async Task AppendAsync(int streams, int perStream, Guid? firstStream = null)
    {
        for (var s = 0; s < streams; s++)
            await _store.AppendAsync(s == 0 && firstStream is { } id ? id : Guid.NewGuid(), NewsItems.NewsItemEventTypes.StreamType, 0,
                [.. Enumerable.Range(1, perStream).Select(n => (object)new NewsItems.SummaryRevised($"tick {n}", DateTimeOffset.UnixEpoch))],
                new EventMetadata("test"));
    }

    private async Task<string> TextAsync(string sql)
    {
        await using var cmd = _db.DataSource.CreateCommand(sql);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    /// The processes holding the hot/cold lock of Marten's daemon for stream_event_counts.
    private const string Holders = """
        from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.objsubid = 1
          and ((l.classid::bigint << 32) | l.objid::bigint) = @lock
        """;

    private long CountsLock => JasperFx.Events.Daemon.ProjectionLockIds.Compute(
        _db.Schema, new JasperFx.Events.Projections.ShardName("stream_event_counts"), new JasperFx.Events.Daemon.DaemonSettings().DaemonLockId);

    private async Task<string?> LockHolderAsync()
    {
        await using var cmd = _db.DataSource.CreateCommand($"select a.application_name {Holders}");
        cmd.Parameters.AddWithValue("lock", CountsLock);
        return await cmd.ExecuteScalarAsync() as string;
    }

    private async Task UntilAsync(Func<Task<bool>> condition, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not become true in time.");
            await Task.Delay(20);
        }
    }

    private async Task CaughtUpAsync() =>
        await UntilAsync(async () => await _db.ScalarAsync("select count(*) from mt_events") ==
            await _db.ScalarAsync("select coalesce(sum(events), 0) from eh_stream_event_counts")
            && await _db.ScalarAsync("select count(*) from mt_event_progression where name = 'item_search:All' and last_seq_id = (select max(seq_id) from mt_events)") == 1);

    [Fact]
    public async Task a_daemon_killed_mid_way_and_started_again_ends_as_a_run_never_killed()
    {
        // Mid-way for sure, however fast the daemon (Marten may fold waiting pages into one batch):
        // it first catches up with 5 streams; then an uncommitted row of the next stream to come
        // makes the daemon's batch that reaches it wait, and the daemon is killed there.
        await AppendAsync(5, 60);
        var first = CliProcess.StartDaemon(_db.ConnectionString, "daemon-killed", batch: 15);
        await UntilAsync(async () => await _db.ScalarAsync("select coalesce(sum(events), 0) from eh_stream_event_counts") == 300);
        var blocked = Guid.NewGuid();
        await using var blocker = await _db.DataSource.OpenConnectionAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        await using (var row = new Npgsql.NpgsqlCommand("insert into eh_stream_event_counts values (@s, 0, 0, 0, 0)", blocker, hold))
        {
            row.Parameters.AddWithValue("s", blocked);
            await row.ExecuteNonQueryAsync();
        }
        await AppendAsync(15, 60, firstStream: blocked);
        var total = await _db.ScalarAsync("select count(*) from mt_events");
        // The daemon's own write waits on that row (not some other statement of its start-up).
        await UntilAsync(async () => await _db.ScalarAsync(
            "select count(*) from pg_stat_activity where application_name = 'daemon-killed' and wait_event_type = 'Lock' and query like '%insert into eh_stream_event_counts%'") > 0);
        CliProcess.KillHard(first);
        await hold.RollbackAsync();
        var counted = await _db.ScalarAsync("select coalesce(sum(events), 0) from eh_stream_event_counts");
        Assert.InRange(counted, 1, total - 1);
        // What committed is a whole number of batches, and the position says exactly where they end.
        Assert.Equal(counted, await _db.ScalarAsync(
            "select count(*) from eh_event_chain e, mt_event_progression p where p.name = 'stream_event_counts:All' and e.seq_id <= p.last_seq_id"));

        var second = CliProcess.StartDaemon(_db.ConnectionString, "daemon-restarted", batch: 15);
        try { await CaughtUpAsync(); }
        finally { CliProcess.KillHard(second); }
        var afterRestart = await TextAsync(Projected);
        Assert.Equal(await TextAsync(Committed), afterRestart);

        // A run never killed: replay everything from scratch, with the CLI's rebuild.
        var admin = new Dictionary<string, string> { ["EVENTHISTORY_KEY"] = await new Access.ApiKeys(_db.DataSource).CreateAsync("cli-admin", Access.Role.Admin) };
        var (code, output, error) = await CliProcess.RunAsync(_db.ConnectionString, admin, "rebuild", "stream_event_counts");
        Assert.Equal(0, code);
        Assert.Contains($"rebuilt stream_event_counts from {total} events", output);
        Assert.Contains("100%", error);
        Assert.Equal(afterRestart, await TextAsync(Projected));
    }

    [Fact]
    public async Task of_two_daemon_processes_one_works_and_the_other_takes_over_when_it_is_killed()
    {
        var a = CliProcess.StartDaemon(_db.ConnectionString, "daemon-a", batch: 50);
        await UntilAsync(async () => await LockHolderAsync() == "daemon-a");
        var b = CliProcess.StartDaemon(_db.ConnectionString, "daemon-b", batch: 50);
        try
        {
            await AppendAsync(5, 40);
            await CaughtUpAsync();
            Assert.Equal("daemon-a", await LockHolderAsync());
            await using (var holders = _db.DataSource.CreateCommand($"select count(*) {Holders}"))
            {
                holders.Parameters.AddWithValue("lock", CountsLock);
                Assert.Equal(1L, (long)(await holders.ExecuteScalarAsync())!);
            }

            CliProcess.KillHard(a);
            await UntilAsync(async () => await LockHolderAsync() == "daemon-b");
            await AppendAsync(5, 40);
            await CaughtUpAsync();
            Assert.Equal(await TextAsync(Committed), await TextAsync(Projected));

            // A rebuild from a process whose daemon does not keep the projection would reset it under
            // daemon-b's feet: it is refused, and the projection is left as it was.
            var admin = new Dictionary<string, string> { ["EVENTHISTORY_KEY"] = await new Access.ApiKeys(_db.DataSource).CreateAsync("cli-admin", Access.Role.Admin) };
            var (code, _, error) = await CliProcess.RunAsync(_db.ConnectionString, admin, "rebuild", "stream_event_counts");
            Assert.Equal(1, code);
            Assert.Contains("kept by the daemon of another process", error);
            Assert.Equal(await TextAsync(Committed), await TextAsync(Projected));
        }
        finally
        {
            CliProcess.KillHard(a);
            CliProcess.KillHard(b);
        }
    }
}
