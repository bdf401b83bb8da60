using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;
using Weasel.Core;

namespace EventHistory.EventStore;

/// The one place that configures Marten. Each PostgreSQL schema (the first entry of the
/// connection's search path) is a store of its own: tests run many side by side.
public static class MartenStore
{
    public static DocumentStore Build(NpgsqlDataSource db, EventTypes types, bool migrate = false,
        IEnumerable<Daemon.AsyncProjection>? asyncProjections = null) =>
        new(Configure(db, types, migrate, asyncProjections));

    public static StoreOptions Configure(NpgsqlDataSource db, EventTypes types, bool migrate,
        IEnumerable<Daemon.AsyncProjection>? asyncProjections = null)
    {
        var schema = SchemaOf(db);
        var options = new StoreOptions();
        options.Connection(db);
        options.DatabaseSchemaName = schema;
        options.Events.DatabaseSchemaName = schema;
        // Only EnsureCreatedAsync migrates, once per start-up: every other store trusts the schema,
        // so a CLI command does not compare the database's schema with Marten's on each call.
        options.AutoCreateSchemaObjects = migrate ? AutoCreate.CreateOrUpdate : AutoCreate.None;
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        // The default: Marten draws versions and sequence numbers and stamps the time on the
        // server, in one round trip. Our append has checked the expected version under the
        // stream's lock already (EventStore.AppendAsync), so Marten need not check it again.
        options.Events.AppendMode = EventAppendMode.QuickWithServerTimestamps;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Events.MetadataConfig.UserNameEnabled = true;
        options.UseSystemTextJsonForSerialization(types.EventJson, EnumStorage.AsString, Casing.CamelCase);
        foreach (var (name, type) in types.Events) options.Events.MapEventType(type, name);
        // Marten creates its event tables only once it knows an event type; the schema's own
        // migration (EventStoreSchema) knows none of the domain's.
        if (!types.Events.Any()) options.Events.MapEventType(typeof(UnregisteredEvent), "unregistered_event");
        options.DisableNpgsqlLogging = true;
        // No retries of reads. Marten's retry runs the same command again on a new connection, and a
        // statement that Npgsql prepared automatically on the dead one (any statement run often) then
        // fails with 26000 "prepared statement does not exist" (ReadFailureTests). So a read that meets
        // a lost connection fails at once with the database error it is: the service answers 503 with
        // Retry-After and clears its pools; the daemon's coordinator restarts the agent.
        options.ConfigurePolly(_ => { });
        Daemon.AsyncDaemon.Configure(options, schema, asyncProjections ?? []);
        return options;
    }

    public static string SchemaOf(NpgsqlDataSource db)
    {
        var searchPath = new NpgsqlConnectionStringBuilder(db.ConnectionString).SearchPath;
        var first = searchPath?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return string.IsNullOrEmpty(first) || first == "\"$user\"" ? "public" : first.Trim('"');
    }
}
