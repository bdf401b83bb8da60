using Npgsql;

namespace EventHistory.EventStore.Daemon;

/// A projection the daemon keeps up to date after the append commits. Each batch is applied in a
/// transaction that also moves the projection's position, so it is applied exactly once.
public interface IAsyncProjection
{
    string Name { get; }

    Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<GlobalEvent> events, CancellationToken ct);

    /// Empties what the projection wrote, before a rebuild replays every event.
    Task ResetAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct);
}
