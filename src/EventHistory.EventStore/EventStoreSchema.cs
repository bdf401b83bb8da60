using Npgsql;

namespace EventHistory.EventStore;

public static class EventStoreSchema
{
    // Many processes may start at once (tests, two service instances): the advisory lock makes
    // the idempotent DDL run one at a time, since concurrent "create if not exists" can still race.
    private const long SchemaLockKey = 0x4576_656e_7453_6368;

    /// Marten creates or migrates its own tables first (our functions read mt_events), then our
    /// tables and the projections' (<paramref name="moreSql"/>) are created. A schema already made
    /// by these very scripts and this Marten is left alone: DDL takes table locks, and run while
    /// other processes append (a second service starting, a CLI command) it can deadlock with them.
    public static async Task EnsureCreatedAsync(NpgsqlDataSource db, IEnumerable<string>? moreSql = null, CancellationToken ct = default)
    {
        string[] scripts = [ReadResource("EventHistory.EventStore.Schema.sql"), .. moreSql ?? []];
        var fingerprint = Fingerprint(scripts);
        await using var conn = await db.OpenConnectionAsync(ct);
        // No timeout: on a busy machine many start-ups (a test suite's schemas) queue for this lock,
        // each holding it only for its own DDL, and a dead holder's session lock dies with it.
        await using (var take = new NpgsqlCommand($"select pg_advisory_lock({SchemaLockKey})", conn) { CommandTimeout = 0 })
            await take.ExecuteNonQueryAsync(ct);
        try
        {
            if (await MadeByAsync(conn, ct) == fingerprint) return;
            await RefuseTheOldStoreAsync(conn, ct);
            await using (var marten = MartenStore.Build(db, new EventTypes(), migrate: true))
                await marten.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await using var tx = await conn.BeginTransactionAsync(ct);
            foreach (var sql in scripts) await Execute(conn, tx, sql, ct);
            await Execute(conn, tx,
                $"create table if not exists eh_schema (id int primary key, fingerprint text not null); " +
                $"insert into eh_schema values (1, '{fingerprint}') on conflict (id) do update set fingerprint = excluded.fingerprint", ct);
            await tx.CommitAsync(ct);
        }
        finally
        {
            await Execute(conn, null, $"select pg_advisory_unlock({SchemaLockKey})", CancellationToken.None);
        }
    }

    /// Marten's version and every script's text: a new release or a changed script runs them again.
    private static string Fingerprint(IEnumerable<string> scripts) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join("\u0000", [typeof(Marten.DocumentStore).Assembly.GetName().Version?.ToString() ?? "", .. scripts]))));

    /// The fingerprint of the scripts that made this schema; null for a schema never made.
    private static async Task<string?> MadeByAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using (var exists = new NpgsqlCommand("select to_regclass('eh_schema') is not null", conn))
            if (await exists.ExecuteScalarAsync(ct) is not true) return null;
        await using var cmd = new NpgsqlCommand("select fingerprint from eh_schema where id = 1", conn);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// Before Marten, the service kept its hash chain in columns of its own mt_events table; Marten
    /// would write events without them. Such a database is refused, never half-migrated.
    private static async Task RefuseTheOldStoreAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "select count(*) from information_schema.columns where table_schema = current_schema() and table_name = 'mt_events' and column_name = 'hash'",
            conn);
        if ((long)(await cmd.ExecuteScalarAsync(ct))! > 0)
            throw new InvalidOperationException(
                "This database holds events written by EventHistory's store before it moved onto Marten. Export its pages with " +
                "that version (eventhistory export --out DIR), then import them into a new database (for scripts/run.sh: remove .data/).");
    }

    public static string ReadResource(string name, System.Reflection.Assembly? assembly = null)
    {
        assembly ??= typeof(EventStoreSchema).Assembly;
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task Execute(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
