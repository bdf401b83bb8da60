using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Npgsql;

namespace EventHistory.EventStore.Daemon;

public sealed record RebuildProgress(long Done, long Total);

/// Rebuilds an async projection set-based, in SQL, without deserializing an event: it empties the
/// projection's tables and resets its progress in one transaction, then applies the events up to a
/// safe horizon (RebuildHorizon) range by range of sequence numbers, each range one statement
/// (the projection's RebuildStatement) committed with the move of its progress in
/// mt_event_progression; the live daemon goes on from the horizon. Writers are never blocked.
public sealed class ProjectionRebuilder(EventStore store, AsyncDaemon daemon)
{
    public const int BatchSize = 1000;

    /// Sequence numbers per transaction of a rebuild: enough that a statement's fixed costs vanish,
    /// few enough that none runs for long and the progress moves.
    public long SequencesPerTransaction { get; init; } = 100_000;

    /// Connections each range is split over, by stream, for a projection that may apply a range
    /// twice (AsyncProjection.ApplyingTwiceIsHarmless); one per core by default, so a long rebuild
    /// does not leave a core idle once the shorter ones beside it are done.
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
            await ResetAsync(conn, projection, ct);
            var horizon = await RebuildHorizon.ReadAsync(conn, ct);
            // The progress bar's total is the horizon's sequence number: at least the events below it
            // (holes are rare), known without counting them all (a second scan of every event).
            progress?.Report(new RebuildProgress(0, horizon));
            long done = 0;
            for (var from = 0L; from < horizon;)
            {
                var to = Math.Min(horizon, from + SequencesPerTransaction);
                await ApplyRangeAsync(conn, projection, types, from, to, ct);
                done += await CountAsync(conn, from, to, ct);
                progress?.Report(new RebuildProgress(done, Math.Max(done, horizon)));
                from = to;
            }
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

    /// Empties the projection's tables and sets its progress to 0, in one transaction.
    private static async Task ResetAsync(NpgsqlConnection conn, AsyncProjection projection, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var truncate = new NpgsqlCommand($"truncate {string.Join(", ", projection.Tables)}", conn, tx))
            await truncate.ExecuteNonQueryAsync(ct);
        await using (var reset = new NpgsqlCommand(
            """
            insert into mt_event_progression (name, last_seq_id, last_updated) values (@shard, 0, now())
            on conflict (name) do update set last_seq_id = 0, last_updated = now()
            """, conn, tx))
        {
            reset.Parameters.AddWithValue("shard", projection.ShardName);
            await reset.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// Applies the events numbered (from, to] and moves the progress from `from` to `to`. The move
    /// checks the position it starts from, as Marten's does, so a range is never applied twice by two
    /// rebuilds or a rebuild and a daemon. In one transaction with the move, unless the range is split
    /// over several connections: then each slice of streams commits on its own and the move follows.
    private async Task ApplyRangeAsync(NpgsqlConnection conn, AsyncProjection projection, string[] types, long from, long to, CancellationToken ct)
    {
        var slices = projection.ApplyingTwiceIsHarmless ? StreamSlice.Split(Connections) : [StreamSlice.All];
        if (slices.Count == 1)
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await ApplyAsync(conn, tx, projection, types, from, to, slices[0], ct);
            await MoveAsync(conn, tx, projection, from, to, ct);
            await tx.CommitAsync(ct);
            return;
        }
        await Task.WhenAll(slices.Select(async slice =>
        {
            await using var own = await store.DataSource.OpenConnectionAsync(ct);
            await using var tx = await own.BeginTransactionAsync(ct);
            await ApplyAsync(own, tx, projection, types, from, to, slice, ct);
            await tx.CommitAsync(ct);
        }));
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await MoveAsync(conn, tx, projection, from, to, ct);
            await tx.CommitAsync(ct);
        }
    }

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

    private static async Task MoveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, AsyncProjection projection, long from, long to, CancellationToken ct)
    {
        await using var move = new NpgsqlCommand(
            "update mt_event_progression set last_seq_id = @to, last_updated = now() where name = @shard and last_seq_id = @from", conn, tx);
        move.Parameters.AddWithValue("shard", projection.ShardName);
        move.Parameters.AddWithValue("from", from);
        move.Parameters.AddWithValue("to", to);
        if (await move.ExecuteNonQueryAsync(ct) != 1)
            throw new InvalidOperationException($"{projection.ShardName} moved during its rebuild: another daemon applied it.");
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
