using Npgsql;

namespace EventHistory.EventStore.Daemon;

/// Events per stream and the last version seen; out_of_order counts events that did not follow
/// the version before them. Applied exactly once and in order, counts equal the committed events
/// and out_of_order stays 0, which is what the daemon's tests check.
public sealed class StreamEventCountsProjection : IAsyncProjection
{
    public string Name => "stream_event_counts";

    public async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<GlobalEvent> events, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var e in events)
        {
            var cmd = new NpgsqlBatchCommand(
                """
                insert into eh_stream_event_counts as c (stream_id, events, last_version, out_of_order, last_seq_id)
                values (@s, 1, @v, case when @v = 1 then 0 else 1 end, @seq)
                on conflict (stream_id) do update set events = c.events + 1, last_version = excluded.last_version,
                    out_of_order = c.out_of_order + case when excluded.last_version = c.last_version + 1 then 0 else 1 end,
                    last_seq_id = excluded.last_seq_id
                """);
            cmd.Parameters.AddWithValue("s", e.Event.StreamId);
            cmd.Parameters.AddWithValue("v", e.Event.Version);
            cmd.Parameters.AddWithValue("seq", e.Event.Sequence);
            batch.BatchCommands.Add(cmd);
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task ResetAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("delete from eh_stream_event_counts", conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
