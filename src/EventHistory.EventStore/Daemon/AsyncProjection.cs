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

    /// The tables it writes; a rebuild empties them in the transaction that resets its progress.
    public abstract IReadOnlyList<string> Tables { get; }

    /// Marten's name for the projection's one shard (its row in mt_event_progression).
    public string ShardName => $"{Name}:All";

    /// Events per batch (EVENTHISTORY_DAEMON_BATCH overrides it: tests stop a daemon mid-way).
    public int BatchSize { get; set; } = 500;

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        // Marten's own tombstones (a failed append's burnt sequence numbers) are not history.
        foreach (var e in events)
            if (e.Data is not JasperFx.Events.Tombstone) Apply(operations, e);
        return Task.CompletedTask;
    }

    protected abstract void Apply(IDocumentOperations operations, IEvent e);
}
