using Npgsql;

namespace EventHistory.EventStore;

/// An event as an inline projection sees it: everything is known before the append is sent
/// (the version follows the checked expected version; the store stamps the recorded time), so
/// the projection's rows ride in the append's one batch. The sequence number is drawn by the
/// server in that batch and is not part of it.
public sealed record ProjectedEvent(Guid StreamId, long Version, string Type, object Data, DateTimeOffset Timestamp, string? UserName)
{
    public static ProjectedEvent From(StoredEvent e) => new(e.StreamId, e.Version, e.Type, e.Data, e.Timestamp, e.UserName);
}

/// What a projection is given. <see cref="StatesBefore"/> holds the streams' states at the versions
/// the append follows, those the writer had in hand (the append checks each version under the
/// stream's lock, so they are exact); empty for new streams, rebuilds and writers that had none.
/// <see cref="Connection"/> reads what else the projection needs: in an append it runs before the
/// stream's lock is taken, so a projection that reads a stream's state must check it is at the
/// version the events follow (else the append is stale: throw ConcurrencyException); in a
/// rebuild it reads the tables being rebuilt.
public sealed record ProjectionInput(
    IReadOnlyList<ProjectedEvent> Events, IReadOnlyList<object> StatesBefore, NpgsqlConnection Connection, NpgsqlTransaction Transaction);

/// An inline projection: its rows commit or roll back with the events.
public interface IInlineProjection
{
    /// The statements (no rows returned, @named parameters) that bring the projection's tables
    /// up to date with the events, in order; the store sends them in the append's batch.
    ValueTask<IReadOnlyList<NpgsqlBatchCommand>> ProjectAsync(ProjectionInput input, CancellationToken ct);

    /// Whether AfterAppendAsync does anything: if no projection does, the commit is sent in the
    /// append's batch (one round trip); else it waits for AfterAppendAsync (two or more).
    bool RunsAfterAppend => false;

    /// Runs in the append's transaction after its batch, before the commit, when RunsAfterAppend.
    /// Nothing by default (the tests hold appends open here).
    Task AfterAppendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<StoredEvent> events, CancellationToken ct) =>
        Task.CompletedTask;
}
