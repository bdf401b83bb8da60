using Npgsql;

namespace EventHistory.EventStore;

/// Runs inside the append's transaction: what it writes commits or rolls back with the events.
/// <c>stateBefore</c> is the stream's state at the version the append followed, when the writer
/// had it in hand (the append checked that version under the stream's lock, so it is exact): the
/// projection need not read it again. Null for new streams, rebuilds and writers that had none.
public interface IInlineProjection
{
    Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<StoredEvent> events, object? stateBefore, CancellationToken ct);
}
