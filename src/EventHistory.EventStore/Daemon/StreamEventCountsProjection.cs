using JasperFx.Events;
using Marten;

namespace EventHistory.EventStore.Daemon;

/// Events per stream and the last version seen; out_of_order counts events that did not follow
/// the version before them. Applied exactly once and in order, counts equal the committed events
/// and out_of_order stays 0, which is what the daemon's tests check.
public sealed class StreamEventCountsProjection : AsyncProjection
{
    public override string Name => "stream_event_counts";

    public override IReadOnlyList<string> Tables => ["eh_stream_event_counts"];

    protected override void Apply(IDocumentOperations operations, IEvent e) =>
        operations.QueueSqlCommand(
            """
            insert into eh_stream_event_counts as c (stream_id, events, last_version, out_of_order, last_seq_id)
            values (?, 1, ?, case when ? = 1 then 0 else 1 end, ?)
            on conflict (stream_id) do update set events = c.events + 1, last_version = excluded.last_version,
                out_of_order = c.out_of_order + case when excluded.last_version = c.last_version + 1 then 0 else 1 end,
                last_seq_id = excluded.last_seq_id
            """,
            e.StreamId, e.Version, e.Version, e.Sequence);
}
