using Npgsql;

namespace EventHistory.EventStore;

/// Serializes the writers of one stream for the rest of the transaction. An advisory lock rather
/// than the stream row's lock, because a new stream has no row to lock yet.
public static class StreamLock
{
    private const int Key = 0x4548_0003;

    /// Marks the transaction as an appender of this schema for the global order's horizon
    /// (eh_feed_horizon in Schema.sql); must come before the transaction has an id.
    public const string EnterAppendSql = "select pg_advisory_xact_lock_shared(1162346500, hashtext(current_schema()))";

    /// The stream's version (0 when it does not exist) and whether this transaction's id is older
    /// than that of the transaction that wrote the version. The second statement of the batch
    /// starts once the lock is held, on a new snapshot (read committed), so it sees the writer it
    /// waited for, at no extra round trip.
    /// <paramref name="entered"/>: the transaction has run EnterAppendSql already (a command id's claim does).
    internal static async Task<(long Version, bool OlderThanPredecessor)> TakeAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, Guid streamId, bool entered, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx);
        if (!entered) batch.BatchCommands.Add(new NpgsqlBatchCommand(EnterAppendSql));
        var take = new NpgsqlBatchCommand($"select pg_advisory_xact_lock({Key}, hashtext(current_schema() || '/' || @id::text))");
        take.Parameters.AddWithValue("id", streamId);
        batch.BatchCommands.Add(take);
        var state = new NpgsqlBatchCommand(
            """
            select coalesce((select version from mt_streams where id = @id), 0),
                   coalesce((select c.tx_id from eh_event_chain c where c.stream_id = @id order by c.version desc limit 1)
                            > pg_current_xact_id(), false)
            """);
        state.Parameters.AddWithValue("id", streamId);
        batch.BatchCommands.Add(state);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        for (var skip = batch.BatchCommands.Count - 1; skip > 0; skip--) await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetBoolean(1));
    }
}
