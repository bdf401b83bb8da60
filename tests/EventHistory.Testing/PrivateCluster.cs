using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace EventHistory.Testing;

/// A PostgreSQL cluster of a test's own, for tests that stop and start the server: the shared one
/// that scripts/test.sh started must keep serving everybody else's tests. Same recipe as scripts/pg.sh:
/// binaries from EVENTHISTORY_PG_BIN, run as the postgres user when we are root, 127.0.0.1 and a free port.
public sealed class PrivateCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private string Data => Path.Combine(_root, "data");
    public int Port { get; }
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=5;Maximum Pool Size=60";

    private PrivateCluster(string bin, string root, int port) => (_bin, _root, Port) = (bin, root, port);

    public static async Task<PrivateCluster> StartAsync()
    {
        var bin = Environment.GetEnvironmentVariable("EVENTHISTORY_PG_BIN") is { Length: > 0 } b
            ? b
            : throw new InvalidOperationException("EVENTHISTORY_PG_BIN is not set: run the tests with scripts/test.sh.");
        var root = Path.Combine(Path.GetTempPath(), "eventhistory-private-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        if (IsRoot) await RunAsync("chown", "postgres:", root);
        var cluster = new PrivateCluster(bin, root, FreePort());
        await cluster.AsOwnerAsync("initdb", "-D", cluster.Data, "-U", "postgres", "--auth=trust", "-E", "UTF8");
        await cluster.StartServerAsync();
        return cluster;
    }

    /// A streaming replica of this cluster (pg_basebackup -R), started on a port of its own, in hot standby.
    public async Task<PrivateCluster> StartReplicaAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "eventhistory-replica-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        if (IsRoot) await RunAsync("chown", "postgres:", root);
        var replica = new PrivateCluster(_bin, root, FreePort());
        await AsOwnerAsync("pg_basebackup", "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", "postgres", "-D", replica.Data, "-R", "-X", "stream", "-c", "fast");
        await replica.StartServerAsync();
        return replica;
    }

    public Task StartServerAsync() => AsOwnerAsync("pg_ctl", "-D", Data, "-w", "-t", "60", "-l", Path.Combine(_root, "server.log"),
        "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {Data} -c fsync=off -c max_connections=100", "start");

    /// Immediate mode: the server drops every connection at once, as a crash would.
    public Task StopServerAsync() => AsOwnerAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");

    public async Task<long> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public async ValueTask DisposeAsync()
    {
        try { await AsOwnerAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop"); } catch (InvalidOperationException) { }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private Task AsOwnerAsync(string program, params string[] args) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, program), .. args]) : RunAsync(Path.Combine(_bin, program), args);

    private static async Task RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}{await output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
