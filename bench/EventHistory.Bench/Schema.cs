using EventHistory.Infrastructure;
using Npgsql;

namespace EventHistory.Bench;

/// A fresh schema of the one database for each measure, with the store's and projections' tables,
/// so every figure of a run comes from the same server with the same indexes and no leftovers.
public sealed class BenchSchema : IAsyncDisposable
{
    public string Name { get; }
    public string ConnectionString { get; }
    public NpgsqlDataSource Db { get; }

    private BenchSchema(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        Db = new NpgsqlDataSourceBuilder(connectionString).Build();
    }

    public static async Task<BenchSchema> CreateAsync(string server, string name, bool withTables = true)
    {
        await using (var admin = NpgsqlDataSource.Create(server))
        await using (var cmd = admin.CreateCommand($"drop schema if exists {name} cascade; create schema {name}"))
            await cmd.ExecuteNonQueryAsync();
        var builder = new NpgsqlConnectionStringBuilder(server) { SearchPath = name, MaxPoolSize = 100 };
        var schema = new BenchSchema(name, builder.ConnectionString);
        if (withTables) await ServiceRegistration.EnsureSchemaAsync(schema.Db);
        return schema;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var cmd = Db.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var cmd = Db.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync();
    }

    /// Settles the tables before timing: statistics for the planner, and a checkpoint so one
    /// measure's dirty pages are not flushed during the next one's timed window.
    public async Task SettleAsync()
    {
        await ExecuteAsync("analyze");
        await ExecuteAsync("checkpoint");
    }

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        // BENCH_KEEP_SCHEMAS=1 leaves the measure's data behind, to profile its statements by hand.
        if (Environment.GetEnvironmentVariable("BENCH_KEEP_SCHEMAS") == "1") return;
        await using var admin = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = null }.ConnectionString);
        await using var cmd = admin.CreateCommand($"drop schema if exists {Name} cascade");
        await cmd.ExecuteNonQueryAsync();
    }
}
