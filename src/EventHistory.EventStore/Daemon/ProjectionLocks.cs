using Npgsql;

namespace EventHistory.EventStore.Daemon;

/// Advisory lock keys, in the two-integer form so pg_locks shows them plainly (classid, objid).
/// The second key is the schema's hash: each schema is its own store (tests run many side by side).
public static class ProjectionLocks
{
    /// Held for the daemon's whole life on a dedicated connection: one active daemon per store.
    public const int Daemon = 0x4548_0001;
    /// Per projection: the daemon takes it shared for each batch, a rebuild takes it exclusive.
    public const int Projection = 0x4548_0002;

    public const string DaemonKey = "1162346497, hashtext(current_schema())";
    public const string ProjectionKey = "1162346498, hashtext(current_schema() || '/' || @name)";

    /// Whether the daemon lock is granted (to the session <c>@pid</c> when <paramref name="byPid"/>).
    public static string DaemonHeld(bool byPid = false) =>
        Held(Daemon, "hashtext(current_schema())", byPid ? "and l.pid = @pid" : "");

    /// Whether a rebuild holds the projection named by the SQL expression exclusively.
    public static string RebuildHeld(string nameExpression) =>
        Held(Projection, $"hashtext(current_schema() || '/' || {nameExpression})", "and l.mode = 'ExclusiveLock'");

    private static string Held(int classid, string objid, string more) => $"""
        exists (select 1 from pg_locks l
                where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                  and l.database = (select oid from pg_database where datname = current_database())
                  and l.classid::bigint = {classid} and l.objid::bigint = ({objid})::bigint & 4294967295 {more})
        """;

    public static async Task<bool> BoolAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }
}
