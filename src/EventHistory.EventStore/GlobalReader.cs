using Npgsql;

namespace EventHistory.EventStore;

/// A position in the global order: the writing transaction's id, then the sequence number.
/// Sequence numbers are drawn before commit, so a reader that follows seq_id alone skips an
/// event whose transaction commits after a later one. Below the schema's horizon
/// (eh_feed_horizon: the oldest appender of this schema still in progress) every transaction has
/// ended, and every one still to commit has an id at or above it, so reading in (tx_id, seq_id)
/// order below the horizon never skips and never guesses.
public readonly record struct GlobalPosition(ulong TxId, long Sequence)
{
    public static readonly GlobalPosition Start = new(0, 0);

    public override string ToString() => $"{TxId}.{Sequence}";

    public static bool TryParse(string? text, out GlobalPosition position)
    {
        position = Start;
        var parts = text?.Split('.');
        if (parts is not [var tx, var seq] || !ulong.TryParse(tx, out var t) || !long.TryParse(seq, out var s)) return false;
        position = new GlobalPosition(t, s);
        return true;
    }
}

public sealed record GlobalEvent(GlobalPosition Position, StoredEvent Event);

public static class GlobalReader
{
    /// The columns EventStore.ReadEvent reads, from mt_events e joined with its chain row c: only
    /// events that our append chained (never Marten's tombstones) are in the global order.
    public const string Columns =
        "e.seq_id, e.id, e.stream_id, e.version, e.type, e.data::text, e.timestamp, e.user_name, e.correlation_id, e.causation_id, e.headers::text, c.tx_id::text::bigint";

    public const string From = "mt_events e join eh_event_chain c on c.seq_id = e.seq_id";

    /// The schema's horizon, as text for a parameter cast to xid8: read events below it, in a
    /// later statement, and none is skipped (see eh_feed_horizon in Schema.sql).
    public static async Task<string> HorizonAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select eh_feed_horizon()::text");
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// Up to <paramref name="limit"/> committed events after <paramref name="after"/>, in the safe order.
    /// Archived streams are included: projections and audits must see everything.
    public static async Task<IReadOnlyList<GlobalEvent>> ReadAllAsync(
        this EventStore store, GlobalPosition after, int limit, CancellationToken ct = default)
    {
        var horizon = await HorizonAsync(store.DataSource, ct);
        await using var cmd = store.DataSource.CreateCommand(
            $"""
            select {Columns} from {From}
            where (c.tx_id, c.seq_id) > (@tx::text::xid8, @seq) and c.tx_id < @horizon::xid8
            order by c.tx_id, c.seq_id
            limit @limit
            """);
        cmd.Parameters.AddWithValue("horizon", horizon);
        cmd.Parameters.AddWithValue("tx", after.TxId.ToString());
        cmd.Parameters.AddWithValue("seq", after.Sequence);
        cmd.Parameters.AddWithValue("limit", limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var events = new List<GlobalEvent>();
        while (await reader.ReadAsync(ct))
            events.Add(new GlobalEvent(new GlobalPosition((ulong)reader.GetInt64(11), reader.GetInt64(0)), store.ReadEvent(reader)));
        return events;
    }
}
