using Npgsql;

namespace EventHistory.EventStore;

/// Idempotent commands: a command id is claimed in the append's transaction, so a retry answers
/// the first outcome and appends nothing.
internal static class CommandLog
{
    /// Null when the id is new (it is now claimed); else the first outcome. Claiming the id first
    /// makes a concurrent retry wait on the unique key until we commit or roll back.
    public static async Task<AppendResult?> ClaimAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string commandId, CancellationToken ct)
    {
        // The claim gives the transaction its id: enter as an appender first (StreamLock.EnterAppendSql).
        await using var batch = new NpgsqlBatch(conn, tx);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(StreamLock.EnterAppendSql));
        var claim = new NpgsqlBatchCommand(
            "insert into eh_command_log (command_id, stream_id, first_version, last_version) values (@c, @s, 0, 0) on conflict do nothing");
        claim.Parameters.AddWithValue("c", commandId);
        claim.Parameters.AddWithValue("s", Guid.Empty);
        batch.BatchCommands.Add(claim);
        await batch.ExecuteNonQueryAsync(ct);
        if (claim.RecordsAffected == 1) return null;

        await using var cmd = new NpgsqlCommand(
            "select stream_id, first_version, last_version from eh_command_log where command_id = @c", conn, tx);
        cmd.Parameters.AddWithValue("c", commandId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
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

    public static async Task<AppendResult?> FindAsync(NpgsqlDataSource db, string commandId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select stream_id, first_version, last_version from eh_command_log where command_id = @c");
        cmd.Parameters.AddWithValue("c", commandId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new AppendResult(reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), true, []) : null;
    }
}
