using Npgsql;

namespace EventHistory.EventStore.Daemon;

/// Rebuilds an inline projection's tables from the events without blocking writers for long:
/// replay into copies (RebuildCopy) while writers go on, then, in one short transaction that locks
/// the live tables, apply what was committed meanwhile and move the copies in.
public sealed class ShadowRebuild(EventStore store)
{
    public async Task<long> RebuildAsync(
        string name, IInlineProjection projection, IReadOnlyList<string> tables,
        IProgress<RebuildProgress>? progress, CancellationToken ct = default)
    {
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await ExecuteAsync(conn, null, $"select pg_advisory_lock({ProjectionLocks.ProjectionKey})", ct, name);
        try
        {
            await using var copy = await RebuildCopy.CreateAsync(store.DataSource, conn, name, tables, ct);
            var total = await ProjectionRebuilder.CountAsync(conn, ct);
            progress?.Report(new RebuildProgress(0, total));
            var position = GlobalPosition.Start;
            long done = 0;
            while (true)
            {
                var batch = await store.ReadAllAsync(position, ProjectionRebuilder.BatchSize, ct);
                if (batch.Count == 0) break;
                await using (var tx = await conn.BeginTransactionAsync(ct))
                {
                    await ExecuteAsync(conn, tx, copy.SearchPath, ct);
                    await ProjectAsync(projection, conn, tx, [.. batch.Select(e => e.Event)], ct);
                    await tx.CommitAsync(ct);
                }
                position = batch[^1].Position;
                done += batch.Count;
                progress?.Report(new RebuildProgress(done, Math.Max(done, total)));
            }
            await copy.CompleteAsync(conn, ct);

            await using (var tx = await conn.BeginTransactionAsync(ct))
            {
                // Writers of these tables wait from here to the commit. Every event up to `position`
                // is in the copies; everything committed after it is visible now, and whatever is
                // still in flight writes the swapped-in tables itself once the lock is released.
                await copy.LockLiveAsync(conn, tx, ct);
                var late = await ReadCommittedAfterAsync(conn, tx, position, ct);
                if (late.Count > 0)
                {
                    await ExecuteAsync(conn, tx, copy.SearchPath, ct);
                    await ProjectAsync(projection, conn, tx, late, ct);
                }
                await copy.MoveInAsync(conn, tx, ct);
                await tx.CommitAsync(ct);
                done += late.Count;
            }
            progress?.Report(new RebuildProgress(done, done));
            return done;
        }
        finally
        {
            await ExecuteAsync(conn, null, $"select pg_advisory_unlock({ProjectionLocks.ProjectionKey})", CancellationToken.None, name);
        }
    }

    private async Task<IReadOnlyList<StoredEvent>> ReadCommittedAfterAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, GlobalPosition after, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"select {GlobalReader.Columns} from {GlobalReader.From} where (c.tx_id, c.seq_id) > (@tx::text::xid8, @seq) order by c.tx_id, c.seq_id",
            conn, tx);
        cmd.Parameters.AddWithValue("tx", after.TxId.ToString());
        cmd.Parameters.AddWithValue("seq", after.Sequence);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var events = new List<StoredEvent>();
        while (await r.ReadAsync(ct)) events.Add(store.ReadEvent(r));
        return events;
    }

    /// The projection's statements for the events, sent as one batch in the rebuild's transaction.
    private static async Task ProjectAsync(
        IInlineProjection projection, NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var writes = await projection.ProjectAsync(new ProjectionInput([.. events.Select(ProjectedEvent.From)], [], conn, tx), ct);
        if (writes.Count == 0) return;
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var write in writes) batch.BatchCommands.Add(write);
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct, string? name = null)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        if (name is not null) cmd.Parameters.AddWithValue("name", name);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
