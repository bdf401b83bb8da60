using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Npgsql;

namespace EventHistory.EventStore.Daemon;

public sealed record RebuildProgress(long Done, long Total);

/// Rebuilds an async projection set-based, in SQL, without deserializing an event: it fills copies
/// of the projection's tables (RebuildCopy) with the events up to a safe horizon (RebuildHorizon),
/// range by range of sequence numbers, each range one statement (the projection's RebuildStatement)
/// per slice of streams, then swaps the copies in and moves the projection's progress to the
/// horizon in one transaction; the live daemon goes on from there. Readers keep every live row
/// until the swap; writers of events are never blocked.
public sealed class ProjectionRebuilder(EventStore store, AsyncDaemon daemon)
{
    public const int BatchSize = 1000;

    /// Sequence numbers per transaction of a rebuild: enough that a statement's fixed costs vanish,
    /// few enough that none runs for long and the progress bar moves.
    public long SequencesPerTransaction { get; init; } = 100_000;

    /// Connections each range is split over, by stream: one per core by default, so a long rebuild
    /// does not leave a core idle once the shorter ones beside it are done. Any projection may be
    /// split: the slices of a range commit one by one, but into the copies, which a rebuild that
    /// fails half-way throws away.
    public int Connections { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    public async Task<long> RebuildAsync(AsyncProjection projection, IProgress<RebuildProgress>? progress, CancellationToken ct = default)
    {
        var types = ReadableTypes(projection);
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        // Held for the rebuild's length: the status reports the projection as rebuilding.
        await ProjectionLocks.ExecuteAsync(conn, $"select pg_advisory_lock({ProjectionLocks.ProjectionKey})", projection.Name, ct);
        try
        {
            await using var stopped = await StopLiveDaemonAsync(conn, projection, ct);
            var from = await PositionAsync(conn, projection, ct);
            var horizon = await RebuildHorizon.ReadAsync(conn, ct);
            await using var copy = await RebuildCopy.CreateAsync(store.DataSource, conn, projection.Name, projection.Tables, ct);
            // The progress bar's total is the horizon's sequence number: at least the events below it
            // (holes are rare), known without counting them all (a second scan of every event).
            // To this process's progress bar and, through eh_rebuild_progress, to any process's status.
            async Task Report(long done, long total)
            {
                await ReportAsync(conn, projection, done, total, ct);
                progress?.Report(new RebuildProgress(done, total));
            }
            await Report(0, horizon);
            long done = 0;
            for (var start = 0L; start < horizon;)
            {
                var end = Math.Min(horizon, start + SequencesPerTransaction);
                await ApplyRangeAsync(copy, projection, types, start, end, ct);
                done += await CountAsync(conn, start, end, ct);
                await Report(done, Math.Max(done, horizon));
                start = end;
            }
            await copy.CompleteAsync(conn, ct);
            await SwapInAsync(conn, copy, projection, from, horizon, ct);
            progress?.Report(new RebuildProgress(done, done));
            return done;
        }
        finally
        {
            await ProjectionLocks.ExecuteAsync(conn, $"select pg_advisory_unlock({ProjectionLocks.ProjectionKey})", projection.Name, CancellationToken.None);
        }
    }

    /// The stored names of the events the live daemon would hand the projection: those of types the
    /// store knows (Marten delivers no others). Refused when the rebuild's SQL would read the stored
    /// JSON of a type an upcaster reshapes.
    private string[] ReadableTypes(AsyncProjection projection)
    {
        if (projection.ReadsDataOf.FirstOrDefault(store.Types.HasUpcaster) is { } upcast)
            throw new InvalidOperationException(
                $"{projection.Name}'s rebuild reads the stored JSON of {store.Types.NameOf(upcast)} in SQL, which an upcaster now reshapes: teach its RebuildStatement the old shape.");
        return [.. store.Types.Events.Select(e => e.Name)];
    }

    /// Stops whatever daemon could apply the projection while the rebuild does: this process's
    /// (paused, keeping its locks), or, when none works on it, any other, by holding Marten's lock
    /// for the projection ourselves so every daemon stays on standby. A daemon of another process
    /// that works on it cannot be stopped from here: refused.
    private async Task<IAsyncDisposable> StopLiveDaemonAsync(NpgsqlConnection conn, AsyncProjection projection, CancellationToken ct)
    {
        var schema = MartenStore.SchemaOf(store.DataSource);
        var lockId = (long)ProjectionLockIds.Compute(schema, new ShardName(projection.Name), new DaemonSettings().DaemonLockId);
        if (await TryLockAsync(conn, "select pg_try_advisory_lock(@id)", lockId, ct))
            return new Unlock(conn, lockId);
        if (daemon.Running is { } here && here.CurrentAgents().Any(a => a.Name.Identity == projection.ShardName))
            return await daemon.PauseAsync();
        throw new ProjectionBusyException(projection.Name);
    }

    private sealed class Unlock(NpgsqlConnection conn, long lockId) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await TryLockAsync(conn, "select pg_advisory_unlock(@id)", lockId, CancellationToken.None);
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection conn, string sql, long lockId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("id", lockId);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// The rebuild's progress, where any process's status reads it (eh_rebuild_progress); the swap
    /// deletes the row.
    private static async Task ReportAsync(NpgsqlConnection conn, AsyncProjection projection, long done, long total, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            insert into eh_rebuild_progress (name, done, total, started, updated) values (@name, @done, @total, now(), now())
            on conflict (name) do update set done = excluded.done, total = excluded.total, updated = now(),
                started = case when excluded.done = 0 then now() else eh_rebuild_progress.started end
            """, conn);
        cmd.Parameters.AddWithValue("name", projection.Name);
        cmd.Parameters.AddWithValue("done", done);
        cmd.Parameters.AddWithValue("total", total);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// In one transaction: the copies replace the live tables, the projection's progress moves from
    /// where it stood when the rebuild began (<paramref name="from"/>, null: no row) to the horizon,
    /// and the rebuild's progress row goes.
    private static async Task SwapInAsync(NpgsqlConnection conn, RebuildCopy copy, AsyncProjection projection, long? from, long horizon, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        await copy.LockLiveAsync(conn, tx, ct);
        await copy.MoveInAsync(conn, tx, ct);
        await using (var move = new NpgsqlCommand(from is null
            ? "insert into mt_event_progression (name, last_seq_id, last_updated) values (@shard, @to, now()) on conflict (name) do nothing"
            : "update mt_event_progression set last_seq_id = @to, last_updated = now() where name = @shard and last_seq_id = @from", conn, tx))
        {
            move.Parameters.AddWithValue("shard", projection.ShardName);
            move.Parameters.AddWithValue("to", horizon);
            move.Parameters.AddWithValue("from", from ?? 0);
            // Nothing else may move it: this process's daemon is paused and every other one is kept
            // on standby by Marten's lock. Checked as Marten checks its own moves all the same.
            if (await move.ExecuteNonQueryAsync(ct) != 1)
                throw new InvalidOperationException($"{projection.ShardName} moved during its rebuild: another daemon applied it.");
        }
        await using (var done = new NpgsqlCommand("delete from eh_rebuild_progress where name = @name", conn, tx))
        {
            done.Parameters.AddWithValue("name", projection.Name);
            await done.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// Where the projection's progress stands (null: it has no row yet).
    private static async Task<long?> PositionAsync(NpgsqlConnection conn, AsyncProjection projection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select last_seq_id from mt_event_progression where name = @shard", conn);
        cmd.Parameters.AddWithValue("shard", projection.ShardName);
        return await cmd.ExecuteScalarAsync(ct) is long position ? position : null;
    }

    /// Applies the events numbered (from, to] to the copies, each slice of streams on a connection
    /// of its own, in a transaction of its own.
    private async Task ApplyRangeAsync(RebuildCopy copy, AsyncProjection projection, string[] types, long from, long to, CancellationToken ct) =>
        await Task.WhenAll(StreamSlice.Split(Connections).Select(async slice =>
        {
            await using var conn = await store.DataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using (var path = new NpgsqlCommand(copy.SearchPath, conn, tx)) await path.ExecuteNonQueryAsync(ct);
            await ApplyAsync(conn, tx, projection, types, from, to, slice, ct);
            await tx.CommitAsync(ct);
        }));

    private static async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, AsyncProjection projection, string[] types,
        long from, long to, StreamSlice slice, CancellationToken ct)
    {
        // A range's sorts (by stream, in sequence order) and groups fit in memory rather than
        // spilling to temporary files at the default 4 MB.
        await using (var memory = new NpgsqlCommand("set local work_mem = '128MB'", conn, tx)) await memory.ExecuteNonQueryAsync(ct);
        // The events Marten's loader would deliver: archived ones left out (Marten marks an archived
        // stream's events, and its own loader reads mt_events alone; a join to mt_streams cost a
        // scan of every stream per range). Not materialized: each statement reads only the columns it needs.
        await using var apply = new NpgsqlCommand(
            $"""
            with events as (
                select d.seq_id, d.stream_id, d.version, d.type, d.data
                from mt_events d
                where d.seq_id > @from and d.seq_id <= @to and d.is_archived = false and d.type = any(@types){slice.Condition("d.stream_id")})
            {projection.RebuildStatement}
            """, conn, tx);
        apply.CommandTimeout = 0;
        apply.Parameters.AddWithValue("from", from);
        apply.Parameters.AddWithValue("to", to);
        apply.Parameters.AddWithValue("types", types);
        await apply.ExecuteNonQueryAsync(ct);
    }

    /// The events above <paramref name="after"/> and at or below <paramref name="upTo"/>.
    private static async Task<long> CountAsync(NpgsqlConnection conn, long after, long upTo, CancellationToken ct)
    {
        if (upTo <= after) return 0;
        await using var cmd = new NpgsqlCommand("select count(*) from mt_events where seq_id > @after and seq_id <= @upTo", conn);
        cmd.Parameters.AddWithValue("after", after);
        cmd.Parameters.AddWithValue("upTo", upTo);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<long> CountAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var count = new NpgsqlCommand("select count(*) from eh_event_chain", conn);
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }
}

/// The projection is kept by a daemon in another process: rebuild it there, or stop that daemon.
public sealed class ProjectionBusyException(string projection)
    : InvalidOperationException($"Projection {projection} is kept by the daemon of another process: rebuild it through that process " +
                                "(POST /api/projections/{name}/rebuild to that service) or stop that daemon first.")
{
    public string Projection { get; } = projection;
}
