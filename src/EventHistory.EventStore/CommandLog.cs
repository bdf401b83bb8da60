using Npgsql;

namespace EventHistory.EventStore;

/// Idempotent commands: a command id is claimed in the append's transaction (eh_append_guard), so
/// a retry answers the first outcome and appends nothing.
internal static class CommandLog
{
    /// The first outcome, if the command was for the same request; a request is known by its hash
    /// (a command logged without one, by an older writer, matches any).
    private static AppendResult Outcome(NpgsqlDataReader reader, string commandId, byte[]? requestHash)
    {
        var logged = reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3);
        if (logged is not null && requestHash is not null && !logged.AsSpan().SequenceEqual(requestHash))
            throw new CommandReusedException(commandId);
        return new AppendResult(reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), true, []);
    }

    public static NpgsqlBatchCommand Record(string commandId, Guid streamId, long first, long last)
    {
        var cmd = new NpgsqlBatchCommand(
            "update eh_command_log set stream_id = @s, first_version = @f, last_version = @l where command_id = @c");
        cmd.Parameters.AddWithValue("c", commandId);
        cmd.Parameters.AddWithValue("s", streamId);
        cmd.Parameters.AddWithValue("f", first);
        cmd.Parameters.AddWithValue("l", last);
        return cmd;
    }

    public static async Task<AppendResult?> FindAsync(NpgsqlDataSource db, string commandId, byte[]? requestHash, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select stream_id, first_version, last_version, request_hash from eh_command_log where command_id = @c and first_version > 0");
        cmd.Parameters.AddWithValue("c", commandId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Outcome(reader, commandId, requestHash) : null;
    }
}
