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
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!builder.ContainsKey("Max Auto Prepare")) builder.MaxAutoPrepare = MaxAutoPrepare;
        if (!builder.ContainsKey("No Reset On Close")) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }
}
