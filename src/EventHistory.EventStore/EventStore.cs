using Npgsql;
using NpgsqlTypes;

namespace EventHistory.EventStore;

public sealed class EventStore(NpgsqlDataSource db, EventTypes types, IEnumerable<IInlineProjection> projections)
{
    public NpgsqlDataSource DataSource => db;
    public EventTypes Types => types;

    /// Appends events to a stream whose current version must be <paramref name="expectedVersion"/>
    /// (0 starts a new stream). The version is checked under the stream's row lock before any
    /// sequence number is drawn, so a losing writer burns nothing and leaves no gap behind.
    public async Task<AppendResult> AppendAsync(
        Guid streamId, string streamType, long expectedVersion, IReadOnlyList<object> events,
        EventMetadata metadata, CancellationToken ct = default)
    {
        if (events.Count == 0) throw new ArgumentException("Nothing to append.", nameof(events));
        for (var attempt = 1; ; attempt++)
        {
            if (await TryAppendAsync(streamId, streamType, expectedVersion, events, metadata, ct) is { } result) return result;
            if (attempt == 10) throw new InvalidOperationException($"Could not order an append to stream {streamId} after its predecessor.");
        }
    }

    /// Null when this transaction's id is older than the stream's last writer's (see below).
    private async Task<AppendResult?> TryAppendAsync(
        Guid streamId, string streamType, long expectedVersion, IReadOnlyList<object> events,
        EventMetadata metadata, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        if (metadata.CommandId is { } commandId && await FindCommandAsync(conn, tx, commandId, ct) is { } earlier)
        {
            await tx.RollbackAsync(ct);
            return earlier with { Events = await ReadStreamAsync(streamId, earlier.FirstVersion, earlier.LastVersion, ct) };
        }

        var (actual, olderThanPredecessor) = await LockStreamAsync(conn, tx, streamId, streamType, expectedVersion, ct);
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

        var stored = await InsertEventsAsync(conn, tx, streamId, expectedVersion, events, metadata, ct);
        var last = expectedVersion + events.Count;
        if (metadata.CommandId is { } id) await RecordCommandAsync(conn, tx, id, streamId, expectedVersion + 1, last, ct);
        foreach (var projection in projections) await projection.ApplyAsync(conn, tx, stored, ct);
        await tx.CommitAsync(ct);
        await NotifyAsync(conn, ct);
        return new AppendResult(streamId, expectedVersion + 1, last, false, stored);
    }

    /// Wakes listeners (the projection daemon) after the commit, in a transaction of its own that
    /// does not wait for the disk. A NOTIFY inside the append would serialize every appending
    /// transaction's commit, disk flush included, on PostgreSQL's notify queue lock (no group
    /// commit: one append per flush). A wake-up lost in a crash costs only a poll interval.
    private static async Task NotifyAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "select set_config('synchronous_commit', 'off', true), pg_notify('mt_events', current_schema())", conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// The stream's version (0 when it does not exist) and whether this transaction's id is older
    /// than that of the transaction that wrote the version. The row lock serializes writers of one
    /// stream; the second statement of the batch starts once the lock is held, on a new snapshot
    /// (read committed), so it sees the writer it waited for, at no extra round trip.
    private static async Task<(long Version, bool OlderThanPredecessor)> LockStreamAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, Guid streamId, string streamType, long expected, CancellationToken ct)
    {
        if (expected == 0)
        {
            await using var insert = new NpgsqlCommand(
                "insert into mt_streams (id, type, version) values (@id, @type, 0) on conflict (id) do nothing", conn, tx);
            insert.Parameters.AddWithValue("id", streamId);
            insert.Parameters.AddWithValue("type", streamType);
            if (await insert.ExecuteNonQueryAsync(ct) == 1) return (0, false);
        }
        await using var batch = new NpgsqlBatch(conn, tx);
        var select = new NpgsqlBatchCommand("select version from mt_streams where id = @id for update");
        select.Parameters.AddWithValue("id", streamId);
        batch.BatchCommands.Add(select);
        var older = new NpgsqlBatchCommand(
            """
            select coalesce((select e.tx_id from mt_events e join mt_streams s on e.stream_id = s.id and e.version = s.version
                             where s.id = @id) > pg_current_xact_id(), false)
            """);
        older.Parameters.AddWithValue("id", streamId);
        batch.BatchCommands.Add(older);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var version = await reader.ReadAsync(ct) ? reader.GetInt64(0) : 0;
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return (version, reader.GetBoolean(0));
    }

    private async Task<List<StoredEvent>> InsertEventsAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, Guid streamId, long fromVersion, IReadOnlyList<object> events,
        EventMetadata metadata, CancellationToken ct)
    {
        // One batch, one round trip; each statement reads the hash its predecessor just wrote.
        await using var batch = new NpgsqlBatch(conn, tx);
        var ids = new Guid[events.Count];
        var headers = metadata.Headers is { Count: > 0 } h ? System.Text.Json.JsonSerializer.Serialize(h) : null;
        for (var i = 0; i < events.Count; i++)
        {
            ids[i] = Guid.CreateVersion7();
            var cmd = new NpgsqlBatchCommand(
                """
                insert into mt_events (seq_id, id, stream_id, version, data, type, mt_dotnet_type,
                    correlation_id, causation_id, headers, user_name, prev_hash, hash)
                select nextval('mt_events_sequence'), @id, @stream, @version, @data, @type, @dotnet,
                    @correlation, @causation, @headers, @user, prev.hash,
                    mt_event_hash(prev.hash, @stream, @version, @type, @data, now(), @user)
                from (select (select hash from mt_events where stream_id = @stream and version = @version - 1) as hash) prev
                returning seq_id, timestamp
                """);
            cmd.Parameters.AddWithValue("id", ids[i]);
            cmd.Parameters.AddWithValue("stream", streamId);
            cmd.Parameters.AddWithValue("version", fromVersion + i + 1);
            cmd.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, types.Serialize(events[i]));
            cmd.Parameters.AddWithValue("type", NpgsqlDbType.Varchar, types.NameOf(events[i].GetType()));
            cmd.Parameters.AddWithValue("dotnet", events[i].GetType().FullName!);
            cmd.Parameters.AddWithValue("correlation", (object?)metadata.CorrelationId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("causation", (object?)metadata.CausationId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("headers", NpgsqlDbType.Jsonb, (object?)headers ?? DBNull.Value);
            cmd.Parameters.AddWithValue("user", NpgsqlDbType.Varchar, (object?)metadata.UserName ?? DBNull.Value);
            batch.BatchCommands.Add(cmd);
        }
        // The stream row moves in the same round trip: appends are bound by round trips.
        var stream = new NpgsqlBatchCommand(
            """
            update mt_streams set version = @v, timestamp = now(),
                last_hash = (select hash from mt_events where stream_id = @id and version = @v)
            where id = @id
            """);
        stream.Parameters.AddWithValue("id", streamId);
        stream.Parameters.AddWithValue("v", fromVersion + events.Count);
        batch.BatchCommands.Add(stream);

        var stored = new List<StoredEvent>(events.Count);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        for (var i = 0; i < events.Count; i++)
        {
            await reader.ReadAsync(ct);
            stored.Add(new StoredEvent(reader.GetInt64(0), ids[i], streamId, fromVersion + i + 1,
                types.NameOf(events[i].GetType()), events[i], reader.GetFieldValue<DateTimeOffset>(1),
                metadata.UserName, metadata.CorrelationId, metadata.CausationId, metadata.Headers));
            await reader.NextResultAsync(ct);
        }
        while (await reader.NextResultAsync(ct)) { }
        return stored;
    }

    private static async Task<AppendResult?> FindCommandAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string commandId, CancellationToken ct)
    {
        // Claiming the id first makes a concurrent retry wait on the unique key until we commit or roll back.
        await using var claim = new NpgsqlCommand(
            "insert into eh_command_log (command_id, stream_id, first_version, last_version) values (@c, @s, 0, 0) on conflict do nothing",
            conn, tx);
        claim.Parameters.AddWithValue("c", commandId);
        claim.Parameters.AddWithValue("s", Guid.Empty);
        if (await claim.ExecuteNonQueryAsync(ct) == 1) return null;

        await using var cmd = new NpgsqlCommand(
            "select stream_id, first_version, last_version from eh_command_log where command_id = @c", conn, tx);
        cmd.Parameters.AddWithValue("c", commandId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new AppendResult(reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), true, []);
    }

    /// The outcome of a command that was already appended, or null.
    public async Task<AppendResult?> FindCommandAsync(string commandId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            "select stream_id, first_version, last_version from eh_command_log where command_id = @c");
        cmd.Parameters.AddWithValue("c", commandId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new AppendResult(reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), true, []) : null;
    }

    private static async Task RecordCommandAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, string commandId, Guid streamId, long first, long last, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "update eh_command_log set stream_id = @s, first_version = @f, last_version = @l where command_id = @c", conn, tx);
        cmd.Parameters.AddWithValue("c", commandId);
        cmd.Parameters.AddWithValue("s", streamId);
        cmd.Parameters.AddWithValue("f", first);
        cmd.Parameters.AddWithValue("l", last);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(Guid streamId, CancellationToken ct = default) =>
        ReadAsync(streamId, 1, long.MaxValue, null, ct);

    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(Guid streamId, long fromVersion, long toVersion, CancellationToken ct = default) =>
        ReadAsync(streamId, fromVersion, toVersion, null, ct);

    /// The events the store had recorded for the stream at <paramref name="asOf"/> (the store's clock).
    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(Guid streamId, DateTimeOffset asOf, CancellationToken ct = default) =>
        ReadAsync(streamId, 1, long.MaxValue, asOf, ct);

    private async Task<IReadOnlyList<StoredEvent>> ReadAsync(Guid streamId, long from, long to, DateTimeOffset? asOf, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            """
            select seq_id, id, stream_id, version, type, data::text, timestamp, user_name, correlation_id, causation_id, headers::text
            from mt_events
            where stream_id = @id and version between @from and @to and (@asOf::timestamptz is null or timestamp <= @asOf)
            order by version
            """);
        cmd.Parameters.AddWithValue("id", streamId);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        cmd.Parameters.AddWithValue("asOf", NpgsqlDbType.TimestampTz, (object?)asOf ?? DBNull.Value);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync(ct)) events.Add(ReadEvent(reader));
        return events;
    }

    public StoredEvent ReadEvent(NpgsqlDataReader r)
    {
        var type = r.GetString(4);
        return new StoredEvent(
            r.GetInt64(0), r.GetGuid(1), r.GetGuid(2), r.GetInt64(3), type, types.Deserialize(type, r.GetString(5)),
            r.GetFieldValue<DateTimeOffset>(6),
            r.IsDBNull(7) ? null : r.GetString(7),
            r.IsDBNull(8) ? null : r.GetString(8),
            r.IsDBNull(9) ? null : r.GetString(9),
            r.IsDBNull(10) ? null : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(10)));
    }

    /// The stream's current version, or null when it does not exist.
    public async Task<long?> StreamVersionAsync(Guid streamId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select version from mt_streams where id = @id");
        cmd.Parameters.AddWithValue("id", streamId);
        return await cmd.ExecuteScalarAsync(ct) as long?;
    }

    /// Archived streams are kept whole but hidden from default reads.
    public async Task ArchiveStreamAsync(Guid streamId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            """
            with s as (update mt_streams set is_archived = true where id = @id returning id)
            update mt_events set is_archived = true where stream_id in (select id from s)
            """);
        cmd.Parameters.AddWithValue("id", streamId);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
