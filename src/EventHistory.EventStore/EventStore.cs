using JasperFx.Events;
using Marten;
using Marten.Services;
using Npgsql;

namespace EventHistory.EventStore;

/// Marten's event store with our layer on top, in the append's one transaction: the expected
/// version checked under the stream's lock, the command log (idempotent commands), the hash chain
/// and the writing transaction's id (gap-safe global order), and our inline projections.
public sealed class EventStore(
    NpgsqlDataSource db, EventTypes types, IEnumerable<IInlineProjection> projections,
    IEnumerable<Daemon.AsyncProjection>? asyncProjections = null) : IAsyncDisposable
{
    private readonly DocumentStore _marten = MartenStore.Build(db, types, asyncProjections: asyncProjections);
    private readonly IReadOnlyList<IInlineProjection> _projections = [.. projections];

    public NpgsqlDataSource DataSource => db;
    public EventTypes Types => types;
    public IDocumentStore Marten => _marten;
    public IReadOnlyList<Daemon.AsyncProjection> AsyncProjections { get; } = [.. asyncProjections ?? []];

    /// Appends events to a stream whose current version must be <paramref name="expectedVersion"/>
    /// (0 starts a new stream). The version is checked under the stream's lock before Marten draws
    /// any sequence number, so a losing writer burns nothing and leaves no gap behind.
    public Task<AppendResult> AppendAsync(
        Guid streamId, string streamType, long expectedVersion, IReadOnlyList<object> events,
        EventMetadata metadata, CancellationToken ct = default) =>
        AppendAsync(streamId, streamType, expectedVersion, events, metadata, null, ct);

    /// The same, with the stream's state at <paramref name="expectedVersion"/> as the writer read it,
    /// for the inline projections (see IInlineProjection).
    public async Task<AppendResult> AppendAsync(
        Guid streamId, string streamType, long expectedVersion, IReadOnlyList<object> events,
        EventMetadata metadata, object? stateBefore, CancellationToken ct = default)
    {
        if (events.Count == 0) throw new ArgumentException("Nothing to append.", nameof(events));
        for (var attempt = 1; ; attempt++)
        {
            if (await TryAppendAsync(streamId, streamType, expectedVersion, events, metadata, stateBefore, ct) is { } result) return result;
            if (attempt == 10) throw new InvalidOperationException($"Could not order an append to stream {streamId} after its predecessor.");
        }
    }

    /// Null when this transaction's id is older than the stream's last writer's (see below).
    private async Task<AppendResult?> TryAppendAsync(
        Guid streamId, string streamType, long expectedVersion, IReadOnlyList<object> events,
        EventMetadata metadata, object? stateBefore, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        if (metadata.CommandId is { } commandId && await CommandLog.ClaimAsync(conn, tx, commandId, metadata.RequestHash, ct) is { } earlier)
        {
            await tx.RollbackAsync(ct);
            return earlier with { Events = await ReadStreamAsync(streamId, earlier.FirstVersion, earlier.LastVersion, ct) };
        }

        var (actual, olderThanPredecessor) = await StreamLock.TakeAsync(conn, tx, streamId, entered: metadata.CommandId is not null, ct);
        if (actual != expectedVersion)
        {
            await tx.RollbackAsync(ct);
            throw new ConcurrencyException(streamId, expectedVersion, actual);
        }
        if (actual > 0 && olderThanPredecessor)
        {
            // Global readers order by transaction id. This transaction got its id before it waited
            // for the stream's lock, so its events would sort before the version it follows: retry
            // in a new transaction (a newer id), before any sequence number is drawn.
            await tx.RollbackAsync(ct);
            return null;
        }

        var ids = await AppendThroughMartenAsync(tx, streamId, streamType, expectedVersion, events, metadata, ct);
        var stored = await ChainAsync(conn, tx, streamId, expectedVersion, events, ids, metadata, ct);
        var last = expectedVersion + events.Count;
        foreach (var projection in _projections) await projection.ApplyAsync(conn, tx, stored, stateBefore, ct);
        await tx.CommitAsync(ct);
        return new AppendResult(streamId, expectedVersion + 1, last, false, stored);
    }

    private async Task<Guid[]> AppendThroughMartenAsync(
        NpgsqlTransaction tx, Guid streamId, string streamType, long expectedVersion, IReadOnlyList<object> events,
        EventMetadata metadata, CancellationToken ct)
    {
        await using var session = _marten.LightweightSession(SessionOptions.ForTransaction(tx));
        session.CorrelationId = metadata.CorrelationId;
        session.CausationId = metadata.CausationId;
        session.LastModifiedBy = metadata.UserName;
        foreach (var (key, value) in metadata.Headers ?? new Dictionary<string, string>()) session.SetHeader(key, value);
        var action = expectedVersion == 0
            ? session.Events.StartStream(types.StreamType(streamType), streamId, [.. events])
            : session.Events.Append(streamId, [.. events]);
        await session.SaveChangesAsync(ct);
        return [.. action.Events.Select(e => e.Id)];
    }

    /// Chains the stored events onto the stream's hash chain and records the command, in one round
    /// trip; answers the events as stored (sequence numbers and times are drawn by the server).
    private async Task<List<StoredEvent>> ChainAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, Guid streamId, long expectedVersion, IReadOnlyList<object> events,
        Guid[] ids, EventMetadata metadata, CancellationToken ct)
    {
        var last = expectedVersion + events.Count;
        await using var batch = new NpgsqlBatch(conn, tx);
        var chain = new NpgsqlBatchCommand("select seq_id, version, recorded from eh_chain_append(@s, @from, @to)");
        chain.Parameters.AddWithValue("s", streamId);
        chain.Parameters.AddWithValue("from", expectedVersion + 1);
        chain.Parameters.AddWithValue("to", last);
        batch.BatchCommands.Add(chain);
        if (metadata.CommandId is { } commandId) batch.BatchCommands.Add(CommandLog.Record(commandId, streamId, expectedVersion + 1, last));

        var stored = new List<StoredEvent>(events.Count);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        for (var i = 0; i < events.Count; i++)
        {
            if (!await reader.ReadAsync(ct)) throw new InvalidOperationException($"Marten did not store version {expectedVersion + i + 1} of stream {streamId}.");
            stored.Add(new StoredEvent(reader.GetInt64(0), ids[i], streamId, reader.GetInt64(1),
                types.NameOf(events[i].GetType()), events[i], reader.GetFieldValue<DateTimeOffset>(2),
                metadata.UserName, metadata.CorrelationId, metadata.CausationId, metadata.Headers));
        }
        while (await reader.NextResultAsync(ct)) { }
        return stored;
    }

    /// The outcome of a command that was already appended, or null; a command id that was used for
    /// another request (another <paramref name="requestHash"/>) is a CommandReusedException.
    public Task<AppendResult?> FindCommandAsync(string commandId, byte[]? requestHash = null, CancellationToken ct = default) =>
        CommandLog.FindAsync(db, commandId, requestHash, ct);

    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(Guid streamId, CancellationToken ct = default) =>
        ReadAsync(streamId, 1, long.MaxValue, null, ct);

    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(Guid streamId, long fromVersion, long toVersion, CancellationToken ct = default) =>
        ReadAsync(streamId, fromVersion, toVersion, null, ct);

    /// The events the store had recorded for the stream at <paramref name="asOf"/> (the store's clock).
    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(Guid streamId, DateTimeOffset asOf, CancellationToken ct = default) =>
        ReadAsync(streamId, 1, long.MaxValue, asOf, ct);

    private async Task<IReadOnlyList<StoredEvent>> ReadAsync(Guid streamId, long from, long to, DateTimeOffset? asOf, CancellationToken ct)
    {
        await using var session = _marten.QuerySession();
        var events = await session.Events.FetchStreamAsync(streamId, to == long.MaxValue ? 0 : to, asOf, from, ct);
        return [.. events.Select(ToStored)];
    }

    /// Every event of the live (not archived) streams of the given types, stream by stream in
    /// version order, read as a stream of rows: memory stays flat whatever the store's size.
    public async IAsyncEnumerable<StoredEvent> ReadStreamsOfTypesAsync(
        IReadOnlyCollection<string> streamTypes, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            $"""
            select {GlobalReader.Columns} from {GlobalReader.From} join mt_streams s on s.id = e.stream_id
            where s.type = any(@types) and not s.is_archived
            order by e.stream_id, e.version
            """);
        cmd.Parameters.AddWithValue("types", streamTypes.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) yield return ReadEvent(reader);
    }

    private StoredEvent ToStored(IEvent e) => new(
        e.Sequence, e.Id, e.StreamId, e.Version, e.EventTypeName, e.Data, e.Timestamp, e.UserName, e.CorrelationId, e.CausationId,
        e.Headers?.ToDictionary(h => h.Key, h => h.Value?.ToString() ?? ""));

    /// An event read by SQL from mt_events, with the columns of <see cref="GlobalReader.Columns"/>.
    public StoredEvent ReadEvent(NpgsqlDataReader r)
    {
        var type = r.GetString(4);
        return new StoredEvent(
            r.GetInt64(0), r.GetGuid(1), r.GetGuid(2), r.GetInt64(3), type, types.Deserialize(type, r.GetString(5)),
            r.GetFieldValue<DateTimeOffset>(6),
            r.IsDBNull(7) ? null : r.GetString(7),
            r.IsDBNull(8) ? null : r.GetString(8),
            r.IsDBNull(9) ? null : r.GetString(9),
            r.IsDBNull(10) ? null : HeadersFrom(r.GetString(10)));
    }

    private static Dictionary<string, string>? HeadersFrom(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(json)
            ?.ToDictionary(h => h.Key, h => h.Value.ValueKind == System.Text.Json.JsonValueKind.String ? h.Value.GetString()! : h.Value.GetRawText());

    /// The stream's current version, or null when it does not exist.
    public async Task<long?> StreamVersionAsync(Guid streamId, CancellationToken ct = default)
    {
        await using var session = _marten.QuerySession();
        return (await session.Events.FetchStreamStateAsync(streamId, ct))?.Version;
    }

    /// Archived streams are kept whole but hidden from default reads.
    public async Task ArchiveStreamAsync(Guid streamId, CancellationToken ct = default)
    {
        await using var session = _marten.LightweightSession();
        session.Events.ArchiveStream(streamId);
        await session.SaveChangesAsync(ct);
    }

    public async Task<bool?> IsArchivedAsync(Guid streamId, CancellationToken ct = default)
    {
        await using var session = _marten.QuerySession();
        return (await session.Events.FetchStreamStateAsync(streamId, ct))?.IsArchived;
    }

    public ValueTask DisposeAsync() => _marten.DisposeAsync();
}
