using Npgsql;

namespace EventHistory.Testing;

/// A schema of its own in the PostgreSQL that scripts/test.sh started, so test classes never see
/// each other's rows. Dropped on dispose.
public sealed class TestDatabase : IAsyncDisposable
{
    public string Schema { get; }
    public string ConnectionString { get; }
    public NpgsqlDataSource DataSource { get; }

    private TestDatabase(string schema, string connectionString)
    {
        Schema = schema;
        ConnectionString = connectionString;
        DataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
    }

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("EVENTHISTORY_DB") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("EVENTHISTORY_DB is not set: run the tests with scripts/test.sh, which starts PostgreSQL.");

    public static async Task<TestDatabase> CreateAsync()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = NpgsqlDataSource.Create(ServerConnectionString))
        await using (var cmd = admin.CreateCommand($"create schema {schema}"))
            await cmd.ExecuteNonQueryAsync();
        // The service's own connection settings (automatic preparation, no reset on close), so the
        // tests run what production runs.
        var builder = new NpgsqlConnectionStringBuilder(EventStore.ConnectionTuning.Apply(ServerConnectionString)) { SearchPath = schema, MaxPoolSize = 50 };
        return new TestDatabase(schema, builder.ConnectionString);
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    /// Ends every idle session whose application name is <paramref name="applicationName"/>, as a
    /// server going away does (a failover, a restart), and waits until they are gone: the number ended.
    public async Task<int> EndIdleSessionsAsync(string applicationName)
    {
        var ended = new List<int>();
        await using (var end = DataSource.CreateCommand(
            "select pid, pg_terminate_backend(pid) from pg_stat_activity where application_name = @name and state = 'idle'"))
        {
            end.Parameters.AddWithValue("name", applicationName);
            await using var rows = await end.ExecuteReaderAsync();
            while (await rows.ReadAsync()) ended.Add(rows.GetInt32(0));
        }
        await Poll.UntilAsync(async () =>
        {
            await using var alive = DataSource.CreateCommand("select count(*) from pg_stat_activity where pid = any(@pids)");
            alive.Parameters.AddWithValue("pids", ended.ToArray());
            return (long)(await alive.ExecuteScalarAsync())! == 0;
        }, TimeSpan.FromSeconds(30), "the ended sessions gone");
        return ended.Count;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = NpgsqlDataSource.Create(ServerConnectionString);
        await using var cmd = admin.CreateCommand($"drop schema if exists {Schema} cascade");
        await cmd.ExecuteNonQueryAsync();
    }
}
