using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using EventHistory.Access;
using Npgsql;

namespace EventHistory.Cluster.Tests;

/// scripts/cluster.sh's topology, brought up in a folder and on ports of its own for one test class
/// and brought down after it, even when a test failed (and when the test process exits early).
public sealed class Cluster : IAsyncLifetime
{
    public static string Repo { get; } = RepoRoot();
    private static string Script => Path.Combine(Repo, "scripts", "cluster.sh");

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "eventhistory-cluster-" + Guid.NewGuid().ToString("N")[..8]);
    public Uri Frontend { get; private set; } = null!;
    public IReadOnlyDictionary<string, int> Ports { get; private set; } = null!;
    public string AdminKey { get; private set; } = "";
    /// The database through HAProxy's write port: wherever the primary is now. Unpooled, so that no
    /// connection to a primary a test killed is handed out again.
    public NpgsqlDataSource Primary { get; private set; } = null!;
    public TimeSpan UpTook { get; private set; }
    public TimeSpan DownTook { get; private set; }
    private int _down;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Down();
        var clock = Stopwatch.StartNew();
        try { await UpAsync(); }
        catch
        {
            Down();
            throw;
        }
        UpTook = clock.Elapsed;
        Ports = File.ReadAllLines(Path.Combine(Dir, "cluster.env")).Select(l => l.Split('='))
            .ToDictionary(p => p[0], p => int.Parse(p[1]));
        AdminKey = File.ReadAllText(Path.Combine(Dir, "admin-key")).Trim();
        Primary = NpgsqlDataSource.Create(
            $"Host=127.0.0.1;Port={Ports["WRITE_PORT"]};Username=postgres;Password=postgres;Database=eventhistory;Timeout=3;Application Name=cluster-test;Pooling=false");
    }

    /// `up`, which also restarts whatever a test killed, and waits until all of it serves again.
    public async Task UpAsync()
    {
        // Generous: on a machine busy with builds the two service processes alone took minutes to start.
        var (code, output, error) = await RunScriptAsync("up", TimeSpan.FromMinutes(8));
        if (code != 0) throw new InvalidOperationException($"cluster.sh up failed ({code}):\n{output}{error}\n{Logs()}");
        Frontend = new Uri(output.TrimEnd().Split('\n').Last().Trim());
    }

    public async Task<string> StatusAsync() => (await RunScriptAsync("status", TimeSpan.FromSeconds(60))).Output;

    public async Task DisposeAsync()
    {
        if (Primary is not null) await Primary.DisposeAsync();
        var clock = Stopwatch.StartNew();
        Down();
        DownTook = clock.Elapsed;
    }

    /// Stops the cluster and deletes its folder, keeping its logs; once, whoever calls first.
    private void Down()
    {
        if (Interlocked.Exchange(ref _down, 1) == 1) return;
        try { RunScriptAsync("down", TimeSpan.FromMinutes(2)).GetAwaiter().GetResult(); }
        finally
        {
            KeepLogs();
            try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// The last run's logs (services, Patroni, PostgreSQL, HAProxy, etcd) under the test's
    /// TestResults/cluster-logs: a failure's message holds only their last lines.
    private void KeepLogs()
    {
        var kept = Path.Combine(AppContext.BaseDirectory, "TestResults", "cluster-logs");
        try
        {
            if (Directory.Exists(kept)) Directory.Delete(kept, recursive: true);
            foreach (var log in Directory.EnumerateFiles(Dir, "*.log", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(kept, Path.GetRelativePath(Dir, log));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(log, copy);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private async Task<(int Code, string Output, string Error)> RunScriptAsync(string command, TimeSpan limit)
    {
        var start = new ProcessStartInfo("bash", [Script, command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["CLUSTER_DIR"] = Dir;
        start.Environment["CLUSTER_BASE_PORT"] = FreePortRange(12).ToString();
        start.Environment["CLUSTER_FSYNC"] = "off";
        start.Environment["CLUSTER_TIMEOUT"] = "240";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, "", $"cluster.sh {command} did not finish in {limit}:\n{await error}");
        }
        return (process.ExitCode, await output, await error);
    }

    /// The last lines of each log, for a failure's message.
    public string Logs() => string.Join("\n", Directory.Exists(Dir)
        ? Directory.EnumerateFiles(Dir, "*.log", SearchOption.AllDirectories)
            .Select(f => $"--- {f}\n{string.Join("\n", File.ReadLines(f).TakeLast(15))}")
        : []);

    /// A client of the frontend with a key of its own (the rate limit is per key).
    public async Task<HttpClient> ClientAsync(string name, Role role)
    {
        var client = new HttpClient { BaseAddress = Frontend, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            role == Role.Admin && name == "cluster-admin" ? AdminKey : await new ApiKeys(Primary).CreateAsync(name, role));
        return client;
    }

    /// Patroni's view: (member name, role, state) of each node, from whichever node answers.
    public async Task<IReadOnlyList<(string Name, string Role, string State)>> MembersAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        foreach (var port in new[] { Ports["REST1_PORT"], Ports["REST2_PORT"] })
        {
            try
            {
                var cluster = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/cluster"));
                return [.. cluster.RootElement.GetProperty("members").EnumerateArray().Select(m =>
                    (m.GetProperty("name").GetString()!, m.GetProperty("role").GetString()!, m.GetProperty("state").GetString()!))];
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
        }
        return [];
    }

    public async Task<string?> LeaderAsync() => (await MembersAsync()).Where(m => m.Role == "leader" && m.State == "running").Select(m => m.Name).FirstOrDefault();

    /// patronictl with node1's configuration (any node's would do: they share the DCS).
    public async Task<string> PatronictlAsync(params string[] args)
    {
        var start = new ProcessStartInfo("patronictl", ["-c", Path.Combine(Dir, "node1", "patroni.yml"), .. args])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"patronictl {string.Join(' ', args)} failed: {await error}{await output}");
        return await output;
    }

    public int Pid(string pidFile) => int.Parse(File.ReadLines(Path.Combine(Dir, pidFile)).First().Trim());

    /// SIGKILL, as a machine's sudden death does to its processes.
    public static void KillHard(params int[] pids)
    {
        foreach (var pid in pids)
            try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
    }

    /// A command to HAProxy's runtime API (e.g. "disable server api/api2").
    public async Task<string> HaproxyAsync(string command)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(Dir, "haproxy.sock")));
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(command + "\n"));
        using var stream = new NetworkStream(socket);
        return await new StreamReader(stream).ReadToEndAsync();
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var cmd = Primary.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public async Task<string> TextAsync(string sql)
    {
        await using var cmd = Primary.CreateCommand(sql);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    /// Polls until the condition holds; a timeout names what was awaited.
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try { if (await condition()) return; }
            catch (Exception e) when (e is NpgsqlException or HttpRequestException or TaskCanceledException or IOException) { }
            if (clock.Elapsed > limit) throw new TimeoutException($"Gave up after {limit.TotalSeconds:F0} s waiting for {what}.");
            await Task.Delay(100);
        }
    }

    private int _base;

    /// The first of <paramref name="count"/> consecutive free loopback ports; the same for every call of a run.
    private int FreePortRange(int count)
    {
        if (_base != 0) return _base;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(20000, 32768 - count);
            if (Enumerable.Range(first, count).All(PortFree)) return _base = first;
        }
        throw new InvalidOperationException("No free port range found.");
    }

    private static bool PortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException) { return false; }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EventHistory.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("No EventHistory.sln above " + AppContext.BaseDirectory);
    }
}
