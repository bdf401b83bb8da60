using Npgsql;

namespace EventHistory.EventStore.Daemon;

/// A projection's position in eh_projection_progress, moved in the same transaction as the batch it
/// covers: after a crash the projection resumes exactly after the last batch that committed.
public static class ProjectionProgress
{
    public enum Outcome { Applied, Moved, Refused }

    public static async Task<GlobalPosition> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string name, CancellationToken ct,
        bool forUpdate = false)
    {
        await using (var ensure = new NpgsqlCommand(
            "insert into eh_projection_progress (name) values (@name) on conflict (name) do nothing",
            conn, tx))
        {
            ensure.Parameters.AddWithValue("name", name);
            await ensure.ExecuteNonQueryAsync(ct);
        }
        await using var cmd = new NpgsqlCommand(
            $"select last_tx_id::text, coalesce(last_seq_id, 0) from eh_projection_progress where name = @name{(forUpdate ? " for update" : "")}",
            conn, tx);
        cmd.Parameters.AddWithValue("name", name);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new GlobalPosition(ulong.Parse(r.GetString(0)), r.GetInt64(1));
    }

    /// Applies one batch and moves the position from <paramref name="expected"/> to the batch's last
    /// event, in one transaction. The position row is locked and compared first, so two appliers
    /// that race (a daemon that just lost its lock, a rebuild) can never apply a batch twice.
    /// <paramref name="mayApply"/> runs inside the transaction and can refuse (the lock is gone).
    public static async Task<Outcome> ApplyBatchAsync(
        NpgsqlConnection conn, IAsyncProjection projection, GlobalPosition expected, IReadOnlyList<GlobalEvent> batch,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<bool>>? mayApply, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (mayApply is not null && !await mayApply(conn, tx))
        {
            await tx.RollbackAsync(ct);
            return Outcome.Refused;
        }
        if (await ReadAsync(conn, tx, projection.Name, ct, forUpdate: true) != expected)
        {
            await tx.RollbackAsync(ct);
            return Outcome.Moved;
        }
        await projection.ApplyAsync(conn, tx, batch, ct);
        await MoveAsync(conn, tx, projection.Name, batch[^1].Position, ct);
        await tx.CommitAsync(ct);
        return Outcome.Applied;
    }

    public static async Task MoveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string name, GlobalPosition to, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "update eh_projection_progress set last_seq_id = @seq, last_tx_id = @tx::text::xid8, last_updated = now() where name = @name",
            conn, tx);
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.AddWithValue("seq", to.Sequence);
        cmd.Parameters.AddWithValue("tx", to.TxId.ToString());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
