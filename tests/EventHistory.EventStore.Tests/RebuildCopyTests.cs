using EventHistory.EventStore.Daemon;
using Npgsql;

namespace EventHistory.EventStore.Tests;

/// A rebuild of an async projection fills copies of its tables and swaps them in at the end: the
/// live rows stay readable, whole, until then, and a rebuild that stops half-way changes nothing.
public sealed class RebuildCopyTests : StoreTestBase
{
    private EventStore _counting = null!;
    private EventStore Counted => _counting ??= DaemonTesting.CountingStore(Db.DataSource);
    private AsyncProjection Counts => Counted.AsyncProjections[0];

    /// Ranges of 10 sequence numbers over 120 events: the rebuild reports progress a dozen times.
    private ProjectionRebuilder Rebuilder => new(Counted, new AsyncDaemon(Counted)) { SequencesPerTransaction = 10 };

    private async Task<string> AppendAndRebuildAsync()
    {
        foreach (var stream in Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()))
            await Counted.AppendAsync(stream, "note", 0, [.. Enumerable.Range(0, 30).Select(i => (object)new Noted($"{i}"))], By("ann"));
        await Rebuilder.RebuildAsync(Counts, null);
        var rows = await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.ProjectedCounts);
        Assert.Equal(await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.CommittedCounts), rows);
        return rows;
    }

    [Fact]
    public async Task a_rebuild_leaves_every_live_row_readable_until_it_swaps_its_copies_in()
    {
        var rows = await AppendAndRebuildAsync();
        var seen = new List<string>();
        await Rebuilder.RebuildAsync(Counts, new SyncProgress(p =>
        {
            if (p.Done > 0 && p.Done < p.Total) seen.Add(ReadNow(DaemonTesting.ProjectedCounts));
        }));

        Assert.True(seen.Count >= 5, $"only {seen.Count} progress reports mid-way");
        Assert.All(seen, s => Assert.Equal(rows, s));
        Assert.Equal(rows, await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.ProjectedCounts));
    }

    [Fact]
    public async Task a_rebuild_stopped_half_way_leaves_the_live_rows_and_progress_as_they_were_and_the_next_one_starts_over()
    {
        var rows = await AppendAndRebuildAsync();
        const string progress = "select last_seq_id::text from mt_event_progression where name = 'stream_event_counts:All'";
        var position = await DaemonTesting.TextAsync(Db.DataSource, progress);

        using var stop = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Rebuilder.RebuildAsync(Counts, new SyncProgress(p => { if (p.Done > 0) stop.Cancel(); }), stop.Token));

        Assert.Equal(rows, await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.ProjectedCounts));
        Assert.Equal(position, await DaemonTesting.TextAsync(Db.DataSource, progress));
        Assert.Equal(0L, await Db.ScalarAsync($"select count(*) from pg_namespace where nspname = '{CopySchema}'"));

        // What a killed rebuild leaves behind: its schema, with a half-filled copy.
        await Db.ExecuteAsync($"create schema \"{CopySchema}\"; create table \"{CopySchema}\".eh_stream_event_counts (stream_id uuid)");
        await Counted.AppendAsync(Guid.NewGuid(), "note", 0, [new Noted("after")], By("bob"));
        await Rebuilder.RebuildAsync(Counts, null);
        Assert.Equal(await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.CommittedCounts),
            await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.ProjectedCounts));
        Assert.Equal(0L, await Db.ScalarAsync($"select count(*) from pg_namespace where nspname = '{CopySchema}'"));
    }

    [Fact]
    public async Task the_swapped_in_table_has_the_live_tables_indexes_and_constraints_under_their_names()
    {
        await AppendAndRebuildAsync();
        // One index the merge does not need (built after the copy is full) and one check constraint.
        await Db.ExecuteAsync(
            "create index eh_stream_event_counts_in_order on eh_stream_event_counts (last_version) where out_of_order = 0; " +
            "alter table eh_stream_event_counts add constraint eh_stream_event_counts_counted check (events > 0)");
        const string shape =
            """
            select string_agg(x, E'\n' order by x) from (
                select indexdef as x from pg_indexes where schemaname = current_schema() and tablename = 'eh_stream_event_counts'
                union all
                select conname || ' ' || pg_get_constraintdef(oid) from pg_constraint where conrelid = 'eh_stream_event_counts'::regclass) s
            """;
        var before = await DaemonTesting.TextAsync(Db.DataSource, shape);
        Assert.Contains("eh_stream_event_counts_in_order", before);

        await Rebuilder.RebuildAsync(Counts, null);
        Assert.Equal(before, await DaemonTesting.TextAsync(Db.DataSource, shape));
        Assert.Equal(await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.CommittedCounts),
            await DaemonTesting.TextAsync(Db.DataSource, DaemonTesting.ProjectedCounts));
    }

    [Fact]
    public async Task the_status_of_any_process_shows_how_far_a_running_rebuild_has_got()
    {
        await AppendAndRebuildAsync();
        var seen = new List<(RebuildProgress Reported, ProjectionStatus Status)>();
        await Rebuilder.RebuildAsync(Counts, new SyncProgress(p =>
        {
            if (p.Done < p.Total) seen.Add((p, Task.Run(() => ProjectionStatusReader.ReadAsync(Db.DataSource, ["stream_event_counts"])).GetAwaiter().GetResult()[0]));
        }));

        Assert.True(seen.Count >= 5, $"only {seen.Count} progress reports mid-way");
        Assert.All(seen, s =>
        {
            Assert.Equal("rebuilding", s.Status.State);
            Assert.Equal(s.Reported, s.Status.Rebuild);
        });
        var after = (await ProjectionStatusReader.ReadAsync(Db.DataSource, ["stream_event_counts"]))[0];
        Assert.Null(after.Rebuild);
        Assert.NotEqual("rebuilding", after.State);
    }

    private string CopySchema => $"{Db.Schema}_rebuild_stream_event_counts";

    /// A read from inside a progress report, which is synchronous.
    private string ReadNow(string sql)
    {
        using var conn = Db.DataSource.OpenConnection();
        using var cmd = new NpgsqlCommand(sql, conn);
        return cmd.ExecuteScalar() as string ?? "";
    }

    private sealed class SyncProgress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => report(value);
    }
}
