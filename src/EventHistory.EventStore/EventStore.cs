using JasperFx.Events;
using Marten;
using Marten.Services;
using Npgsql;

namespace EventHistory.EventStore;

/// Marten's event store with our layer on top, in the append's one batch and transaction: the
/// expected version checked under the stream's lock, the command log (idempotent commands), the
/// hash chain and the writing transaction's id (gap-safe global order), and our inline projections.
///
/// The Marten store is the container's (AddMarten, configured by MartenStore.Configure) when there
/// is one; a store made without a container (tests, the bench) builds and owns its own.
public sealed class EventStore(
    NpgsqlDataSource db, EventTypes types, IEnumerable<IInlineProjection> projections,
    IEnumerable<Daemon.AsyncProjection>? asyncProjections = null, TimeProvider? clock = null, IDocumentStore? marten = null) : IAsyncDisposable
{
    private readonly IDocumentStore _marten = marten ?? MartenStore.Build(db, types, asyncProjections: asyncProjections);
    private readonly bool _ownsMarten = marten is null;
    private readonly IReadOnlyList<IInlineProjection> _projections = [.. projections];
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public NpgsqlDataSource DataSource => db;
    public EventTypes Types => types;
    public IDocumentStore Marten => _marten;
    public IReadOnlyList<Daemon.AsyncProjection> AsyncProjections { get; } = [.. asyncProjections ?? []];

    private const int MaxOrderingAttempts = 10;

    /// Appends events to a stream whose current version must be <paramref name="expectedVersion"/>
    /// (0 starts a new stream). The version is checked under the stream's lock before Marten draws
    /// any sequence number, so a losing writer burns nothing and leaves no gap behind.
    public Task<AppendResult> AppendAsync(
        Guid streamId, string streamType, long expectedVersion, IReadOnlyList<object> events,
        EventMetadata metadata, CancellationToken ct = default) =>
        AppendAsync(streamId, streamType, expectedVersion, events, metadata, null, ct);

    /// The same, with the stream's state at <paramref name="expectedVersion"/> as the writer read it,
    /// for the inline projections (see ProjectionInput).
    public async Task<AppendResult> AppendAsync(
        Guid streamId, string streamType, long expectedVersion, IReadOnlyList<object> events,
        EventMetadata metadata, object? stateBefore, CancellationToken ct = default)
    {
        if (events.Count == 0) throw new ArgumentException("Nothing to append.", nameof(events));
        var append = new StreamAppend(streamId, streamType, expectedVersion, events, stateBefore, metadata.CommandId);
        try
        {
            return await GroupCommit.AppendAsync(new AppendRequest(append, metadata), ct);
        }
        catch (CommandAlreadyAppendedException e)
        {
            // Appended by a transaction that committed first: answer its outcome.
            var earlier = await CommandLog.FindAsync(db, e.CommandId, metadata.RequestHash, ct)
                ?? throw new InvalidOperationException($"Command {e.CommandId} was claimed but its outcome is not recorded.");
            return earlier with { Events = await ReadStreamAsync(earlier.StreamId, earlier.FirstVersion, earlier.LastVersion, ct) };
        }
    }

    private GroupCommit? _groupCommit;

    /// Concurrent single-stream appends share transactions (see GroupCommit).
    private GroupCommit GroupCommit => LazyInitializer.EnsureInitialized(ref _groupCommit,
        () => new GroupCommit(AppendOrderedAsync) { MaxInFlight = MaxGroupsInFlight });

    /// The most append groups written at once when groups stall (see GroupCommit); 1 never writes two at a time.
    public int MaxGroupsInFlight { get; init; } = 4;

    /// Appends to several streams in one transaction, all or nothing (a bulk import's pages): each
    /// stream's expected version is checked under its lock, as for one. A version conflict is a
    /// ConcurrencyException and a command id appended before is a CommandAlreadyAppendedException;
    /// either way nothing of the batch is written, and the caller decides again, stream by stream.
    /// <paramref name="metadata"/> is shared (who, correlation, headers); command ids are per stream.
    public async Task<IReadOnlyList<AppendResult>> AppendManyAsync(
        IReadOnlyList<StreamAppend> appends, EventMetadata metadata, CancellationToken ct = default)
    {
        if (appends.Count == 0) return [];
        if (appends.Select(a => a.StreamId).Distinct().Count() != appends.Count)
            throw new ArgumentException("Each stream may appear once in a batch.", nameof(appends));
        var shared = metadata with { CommandId = null, RequestHash = null };
        return await AppendOrderedAsync([.. appends.Select(a => new AppendRequest(a, shared))], ct);
    }

    private async Task<IReadOnlyList<AppendResult>> AppendOrderedAsync(IReadOnlyList<AppendRequest> appends, CancellationToken ct)
    {
        if (appends.Any(a => a.Append.Events.Count == 0)) throw new ArgumentException("Nothing to append.", nameof(appends));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryAppendAsync(appends, ct);
            }
            catch (AppendOutOfOrderException) when (attempt < MaxOrderingAttempts)
            {
                // Global readers order by transaction id. This transaction got its id (claiming its
                // command id) before it waited for a stream's lock, so its events would sort before
                // the version they follow: retry in a new transaction, which gets a newer id.
            }
            catch (AppendOutOfOrderException)
            {
                throw new InvalidOperationException(
                    $"Could not order an append to stream {appends[0].Append.StreamId} after its predecessor in {MaxOrderingAttempts} attempts.");
            }
        }
    }

    /// One batch and a commit: for each stream the guard (eh_append_guard) and Marten's append; the
    /// hash chain of every stream (one statement); each command's record; then every inline
    /// projection's rows. Who and why are set on each event, not on Marten's session: a group's
    /// appends come from different writers.
    private async Task<IReadOnlyList<AppendResult>> TryAppendAsync(IReadOnlyList<AppendRequest> requests, CancellationToken ct)
    {
        // The store's clock, stamped here rather than by Marten at save time so the projections
        // know it before the batch is sent; PostgreSQL keeps microseconds.
        var now = _clock.GetUtcNow();
        var recorded = now.AddTicks(-(now.Ticks % 10));
        // Streams are locked in id order, so two batches sharing streams cannot deadlock.
        var ordered = requests.OrderBy(r => r.Append.StreamId).ToList();
        var projected = ordered.SelectMany(r => r.Append.Events.Select((e, i) => new ProjectedEvent(
            r.Append.StreamId, r.Append.ExpectedVersion + i + 1, types.NameOf(e.GetType()), e, recorded, r.Metadata.UserName))).ToList();

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var writes = new List<NpgsqlBatchCommand>();
        var input = new ProjectionInput(projected, [.. ordered.Where(r => r.Append.StateBefore is not null).Select(r => r.Append.StateBefore!)], conn, tx);
        foreach (var projection in _projections) writes.AddRange(await projection.ProjectAsync(input, ct));

        await using var session = _marten.LightweightSession(SessionOptions.ForTransaction(tx));
        var parts = new List<(AppendRequest Request, StreamAction Action)>();
        foreach (var r in ordered)
        {
            var (a, m) = (r.Append, r.Metadata);
            session.QueueOperation(new AppendGuard(a.StreamId, a.ExpectedVersion, a.CommandId, m.RequestHash));
            var action = a.ExpectedVersion == 0
                ? session.Events.StartStream(types.StreamType(a.StreamType), a.StreamId, [.. a.Events])
                : session.Events.Append(a.StreamId, [.. a.Events]);
            foreach (var (e, i) in action.Events.Select((e, i) => (e, i)))
            {
                e.Timestamp = recorded;
                e.UserName = m.UserName;
                e.CorrelationId = m.CorrelationId;
                e.CausationId = m.CausationId;
                foreach (var (key, value) in m.Headers ?? new Dictionary<string, string>()) e.SetHeader(key, value);
                foreach (var (key, value) in a.EventHeaders?[i] ?? new Dictionary<string, string>()) e.SetHeader(key, value);
            }
            parts.Add((r, action));
        }
        var chain = new ChainAppend([.. ordered.Select(r => (r.Append.StreamId, r.Append.ExpectedVersion + 1, r.Append.ExpectedVersion + r.Append.Events.Count))]);
        session.QueueOperation(chain);
        foreach (var r in ordered)
        {
            if (r.Append.CommandId is { } commandId)
                session.QueueOperation(new QueuedWrite(CommandLog.Record(commandId, r.Append.StreamId, r.Append.ExpectedVersion + 1,
                    r.Append.ExpectedVersion + r.Append.Events.Count)));
        }
        foreach (var write in writes) session.QueueOperation(new QueuedWrite(write));
        // The commit rides at the end of the batch: one round trip per append instead of two. A
        // statement that fails before it leaves the transaction aborted and the commit unsent.
        // Asked per append, not once: a projection may need the open transaction for some appends only.
        var commitInBatch = !_projections.Any(p => p.RunsAfterAppend);
        if (commitInBatch) session.QueueOperation(new QueuedWrite(new NpgsqlBatchCommand("commit")));
        await session.SaveChangesAsync(ct);

        var results = new Dictionary<Guid, AppendResult>();
        foreach (var (r, action) in parts)
        {
            var (a, m) = (r.Append, r.Metadata);
            var chained = chain.Stored.GetValueOrDefault(a.StreamId) ?? [];
            if (chained.Count != a.Events.Count)
                throw new InvalidOperationException($"Marten stored {chained.Count} of {a.Events.Count} events for stream {a.StreamId}.");
            var stored = a.Events.Select((e, i) => new StoredEvent(chained[i].Sequence, action.Events[i].Id, a.StreamId, chained[i].Version,
                types.NameOf(e.GetType()), e, chained[i].Recorded, m.UserName, m.CorrelationId, m.CausationId,
                a.EventHeaders?[i] is { } own ? WithHeaders(m.Headers, own) : m.Headers)).ToList();
            if (!commitInBatch)
                foreach (var projection in _projections) await projection.AfterAppendAsync(conn, tx, stored, ct);
            results[a.StreamId] = new AppendResult(a.StreamId, a.ExpectedVersion + 1, a.ExpectedVersion + a.Events.Count, false, stored);
        }
        if (!commitInBatch) await tx.CommitAsync(ct);
        return [.. requests.Select(r => results[r.Append.StreamId])];
    }

    private static Dictionary<string, string> WithHeaders(IReadOnlyDictionary<string, string>? batch, IReadOnlyDictionary<string, string> own)
    {
        var headers = new Dictionary<string, string>(batch ?? new Dictionary<string, string>());
        foreach (var (key, value) in own) headers[key] = value;
        return headers;
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

    /// The events of the given streams (archived ones too), in one query: a bulk writer's working set.
    public async Task<Dictionary<Guid, List<StoredEvent>>> ReadStreamsAsync(IReadOnlyCollection<Guid> streamIds, CancellationToken ct = default)
    {
        var streams = streamIds.Distinct().ToDictionary(id => id, _ => new List<StoredEvent>());
        if (streams.Count == 0) return streams;
        await using var cmd = db.CreateCommand(
            $"select {GlobalReader.Columns} from {GlobalReader.From} where e.stream_id = any(@ids) order by e.stream_id, e.version");
        cmd.Parameters.AddWithValue("ids", streams.Keys.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var e = ReadEvent(reader);
            streams[e.StreamId].Add(e);
        }
        return streams;
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

    /// Archived streams are kept whole but hidden from default reads, and take no more events. The
    /// archive holds the stream's lock, as an append does (eh_append_guard), so the two never cross:
    /// an append either commits before the archive or is refused as archived. False when there is
    /// no such stream; a stream archived already is a StreamArchivedException.
    public async Task<bool> ArchiveStreamAsync(Guid streamId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockStream = new NpgsqlCommand(StreamLock.LockStreamSql, conn, tx))
        {
            lockStream.Parameters.AddWithValue("stream", streamId);
            await lockStream.ExecuteNonQueryAsync(ct);
        }
        await using var session = _marten.LightweightSession(SessionOptions.ForTransaction(tx));
        var state = await session.Events.FetchStreamStateAsync(streamId, ct);
        if (state is null) return false;
        if (state.IsArchived) throw new StreamArchivedException(streamId);
        session.Events.ArchiveStream(streamId);
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<bool?> IsArchivedAsync(Guid streamId, CancellationToken ct = default)
    {
        await using var session = _marten.QuerySession();
        return (await session.Events.FetchStreamStateAsync(streamId, ct))?.IsArchived;
    }

    public ValueTask DisposeAsync() => _ownsMarten ? _marten.DisposeAsync() : ValueTask.CompletedTask;
}
