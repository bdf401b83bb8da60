using Npgsql;

namespace EventHistory.EventStore;

/// The connection settings the service, the CLI and the bench run with, unless the connection
/// string says otherwise. An append's statements are the same texts every time, so automatic
/// preparation spares PostgreSQL parsing and planning them again; and a connection handed back
/// to the pool need not be reset (the reset is several statements on the next checkout, and
/// would drop nothing we leave: we set no session state, and release session locks ourselves).
public static class ConnectionTuning
{
    public const int MaxAutoPrepare = 64;

    public static string Apply(string connectionString)
    {
        // Npgsql's own builder answers ContainsKey for every keyword it knows: ask a plain one
        // which keys the string really gives.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", "")).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("MaxAutoPrepare")) builder.MaxAutoPrepare = MaxAutoPrepare;
        if (!given.Contains("NoResetOnClose")) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }
}
