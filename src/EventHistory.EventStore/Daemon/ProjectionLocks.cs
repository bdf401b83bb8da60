using Npgsql;

namespace EventHistory.EventStore.Daemon;

/// Our advisory lock for a rebuild, in the two-integer form so pg_locks shows it plainly (classid,
/// objid). The second key is the schema's hash: each schema is its own store (tests run many side
/// by side). Marten's daemon has locks of its own (AsyncDaemon); this one only says "rebuilding".
public static class ProjectionLocks
{
    /// Per projection, held by a rebuild for its whole length.
    public const int Projection = 0x4548_0002;

    public const string ProjectionKey = "1162346498, hashtext(current_schema() || '/' || @name)";

    /// Whether a rebuild holds the projection named by the SQL expression.
    public static string RebuildHeld(string nameExpression) => $"""
        exists (select 1 from pg_locks l
                where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                  and l.database = (select oid from pg_database where datname = current_database())
                  and l.classid::bigint = {Projection}
                  and l.objid::bigint = (hashtext(current_schema() || '/' || {nameExpression}))::bigint & 4294967295)
        """;

    public static async Task ExecuteAsync(NpgsqlConnection conn, string sql, string name, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("name", name);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
