using Npgsql;

namespace EventHistory.EventStore;

/// The connection settings the service, the CLI and the bench run with, unless the connection
/// string says otherwise (the client check joins Options the string gives, unless they set it).
/// An append's statements are the same texts every time, so automatic
/// preparation spares PostgreSQL parsing and planning them again; and a connection handed back
/// to the pool need not be reset (the reset is several statements on the next checkout, and
/// would drop nothing we leave: we set no session state, and release session locks ourselves).
/// And PostgreSQL checks every second that a session's client is still there while a query runs.
public static class ConnectionTuning
{
    public const int MaxAutoPrepare = 64;

    /// Why: Marten's daemon holds its hot/cold locks on a session that runs `pg_sleep` to watch for
    /// the session's loss (Medallion's lock monitoring). PostgreSQL notices a client that vanished
    /// only when it next reads or writes, so the locks of a killed process lived until that sleep
    /// ended, up to a minute, and no other process could take its projections over. With this check
    /// (PostgreSQL 14 and later) the session ends about a second after its client is gone.
    public const string ClientCheck = "-c client_connection_check_interval=1000";

    public static string Apply(string connectionString)
    {
        // Npgsql's own builder answers ContainsKey for every keyword it knows: ask a plain one
        // which keys the string really gives.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", "")).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("MaxAutoPrepare")) builder.MaxAutoPrepare = MaxAutoPrepare;
        if (!given.Contains("NoResetOnClose")) builder.NoResetOnClose = true;
        // Options of the string's own are kept; the check joins them unless they set it themselves.
        if (!given.Contains("Options")) builder.Options = ClientCheck;
        else if (builder.Options?.Contains("client_connection_check_interval", StringComparison.Ordinal) != true)
            builder.Options = $"{builder.Options} {ClientCheck}".Trim();
        return builder.ConnectionString;
    }
}
