using Npgsql;

namespace EventHistory.EventStore;

/// Runs inside the append's transaction: what it writes commits or rolls back with the events.
public interface IInlineProjection
{
    Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<StoredEvent> events, CancellationToken ct);
}
