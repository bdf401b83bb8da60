using System.Runtime.InteropServices;
using Npgsql;

namespace EventHistory.Bench;

public sealed record Machine(int Cores, long MemoryMiB, string Cpu, string Os, string Dotnet, string Postgres, string PostgresSettings, string Connections)
{
    public string Summary => $"{Cores} cores, {MemoryMiB / 1024.0:0.0} GiB RAM, {Cpu}, {Os}, .NET {Dotnet}, PostgreSQL {Postgres} ({PostgresSettings}; clients: {Connections})";

    public static async Task<Machine> DescribeAsync(NpgsqlDataSource db, string connectionString)
    {
        string Field(string file, string key) =>
            File.Exists(file) ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key))?.Split(new[] { ':', '=' }, 2)[1].Trim().Trim('"') ?? "?" : "?";
        var memKb = Field("/proc/meminfo", "MemTotal").Split(' ')[0];
        await using var cmd = db.CreateCommand(
            """
            select current_setting('server_version'),
                   format('fsync=%s, synchronous_commit=%s, shared_buffers=%s, max_wal_size=%s',
                          current_setting('fsync'), current_setting('synchronous_commit'),
                          current_setting('shared_buffers'), current_setting('max_wal_size'))
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return new Machine(
            Environment.ProcessorCount,
            long.TryParse(memKb, out var kb) ? kb / 1024 : 0,
            Field("/proc/cpuinfo", "model name"),
            $"{Field("/etc/os-release", "PRETTY_NAME")}, Linux {Environment.OSVersion.Version}",
            RuntimeInformation.FrameworkDescription.Replace(".NET ", ""),
            r.GetString(0), r.GetString(1),
            $"Npgsql Max Auto Prepare={new NpgsqlConnectionStringBuilder(connectionString).MaxAutoPrepare}, No Reset On Close={new NpgsqlConnectionStringBuilder(connectionString).NoResetOnClose}");
    }
}
