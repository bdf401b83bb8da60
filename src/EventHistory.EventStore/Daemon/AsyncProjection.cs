using System.Runtime.InteropServices;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace EventHistory.EventStore.Daemon;

/// An async projection that keeps SQL tables, run by Marten's daemon. Its SQL is queued on the
/// daemon's batch session, so it commits in the transaction that moves the projection's progress
/// in mt_event_progression: each event is applied exactly once, in sequence order.
public abstract class AsyncProjection : IProjection
{
    public abstract string Name { get; }

    /// The tables it writes; a rebuild fills copies of them and swaps them in (RebuildCopy).
    public abstract IReadOnlyList<string> Tables { get; }

    /// Marten's name for the projection's one shard (its row in mt_event_progression).
    public string ShardName => $"{Name}:All";

    /// Events per batch: the most Marten loads and hands to ApplyAsync at once, live and in a
    /// rebuild (EVENTHISTORY_DAEMON_BATCH overrides it: tests stop a daemon mid-way). Each batch is
    /// one transaction (one WAL flush) and a constant number of statements, so a rebuild's cost per
    /// event falls with it; live, a batch holds only what has committed since the last one.
    public int BatchSize { get; set; } = DefaultBatchSize;

    public const int DefaultBatchSize = 10_000;

    /// What a rebuild runs, in SQL, for each range of sequence numbers (ProjectionRebuilder): one
    /// statement that reads the relation `events` (seq_id, stream_id, version, type, data: the
    /// events of the range Marten would deliver, of types the store knows, of one slice of the
    /// streams) and writes the rows a live batch of exactly those events writes. Set-based, so a
    /// rebuild never deserializes an event.
    public abstract string RebuildStatement { get; }

    /// The event types whose stored JSON <see cref="RebuildStatement"/> reads. It reads the JSON as
    /// stored, so it cannot see an upcaster: the rebuild refuses while one of these has one.
    public virtual IReadOnlyList<Type> ReadsDataOf => [];

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        // Marten's own tombstones (a failed append's burnt sequence numbers) are not history.
        var history = new List<IEvent>(events.Count);
        foreach (var e in events)
            if (e.Data is not Tombstone) history.Add(e);
        if (history.Count > 0) ApplyBatch(operations, history);
        return Task.CompletedTask;
    }

    /// Queues the SQL that applies a batch of events, in sequence order: a constant number of
    /// statements whatever the batch's size.
    protected abstract void ApplyBatch(IDocumentOperations operations, IReadOnlyList<IEvent> events);
}

/// An async projection with (at most) one row per stream. The per-event rule is <see cref="Fold"/>:
/// each stream's events of a batch are folded in their order into one change (what the batch does
/// to the stream's row), and <see cref="Write"/> merges every stream's change into its row with one
/// statement. A batch of one event is the event-by-event application; any batch gives the same rows.
public abstract class StreamRowProjection<TChange> : AsyncProjection where TChange : class
{
    /// The change after one more event of the stream (null: nothing to write so far).
    public abstract TChange? Fold(TChange? change, IEvent e);

    /// Queues one statement that merges every change into its stream's row (<see cref="Merge"/> over the changes as arrays).
    protected abstract void Write(IDocumentOperations operations, IReadOnlyList<(Guid Stream, TChange Change)> changes);

    /// The statement that merges each change of the relation <paramref name="changes"/> (aliased d,
    /// one row per stream) into its stream's row: the live batch and the rebuild share it.
    protected abstract string Merge(string changes);

    /// A query over `events` giving one change per stream, with the columns Merge reads: what
    /// <see cref="Fold"/> makes of each stream's events in sequence order, said in SQL.
    /// ItemSearchRebuildTests pins item_search's two rules against each other, and DaemonTests a rebuild of
    /// stream_event_counts against the committed events.
    protected abstract string ChangesFromEvents { get; }

    public sealed override string RebuildStatement => Merge($"({ChangesFromEvents}) as d");

    /// The batch folded per stream, streams in the order they first appear.
    public IReadOnlyList<(Guid Stream, TChange Change)> FoldBatch(IReadOnlyList<IEvent> events)
    {
        var byStream = new Dictionary<Guid, TChange?>();
        var order = new List<Guid>();
        foreach (var e in events)
        {
            ref var change = ref CollectionsMarshal.GetValueRefOrAddDefault(byStream, e.StreamId, out var seen);
            if (!seen) order.Add(e.StreamId);
            change = Fold(change, e);
        }
        var changes = new List<(Guid, TChange)>(order.Count);
        foreach (var stream in order)
            if (byStream[stream] is { } change) changes.Add((stream, change));
        return changes;
    }

    protected sealed override void ApplyBatch(IDocumentOperations operations, IReadOnlyList<IEvent> events)
    {
        var changes = FoldBatch(events);
        if (changes.Count > 0) Write(operations, changes);
    }
}
