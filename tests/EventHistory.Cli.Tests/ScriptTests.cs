using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection.PortableExecutable;
using EventHistory.Access;

namespace EventHistory.Cli.Tests;

/// The scripts a new user meets first: scripts/run.sh (started twice, from a folder the postgres
/// user cannot enter) and the docker compose setup, run for real against PostgreSQL.
public sealed class ScriptTests : CliTestBase
{
    private static string Repo => CliProcess.Repo;

    private static ProcessStartInfo Script(string file, IDictionary<string, string?> env)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(Repo, "scripts", file));
        foreach (var name in new[] { "EVENTHISTORY_DB", "EVENTHISTORY_KEY", "EVENTHISTORY_DATA", "PORT" }) info.Environment.Remove(name);
        foreach (var (k, v) in env) info.Environment[k] = v;
        return info;
    }

    private static async Task<(int Code, string Out, string Err)> RunScriptAsync(string file, IDictionary<string, string?> env, params string[] args)
    {
        var info = Script(file, env);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ScriptDeadline);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    // Only stops a hung script. A first run.sh publishes the tool ReadyToRun, compiling every
    // assembly ahead of time: over 4 minutes on a busy machine (a second copy of the suite beside).
    private static readonly TimeSpan ScriptDeadline = TimeSpan.FromMinutes(15);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task the_compose_setup_makes_one_admin_key_imports_the_samples_once_and_rotates_a_lost_key()
    {
        var keys = Path.Combine(Work, "keys");
        Directory.CreateDirectory(keys);
        var env = new Dictionary<string, string?>
        {
            ["EVENTHISTORY_DB"] = Db.ConnectionString, ["EVENTHISTORY_KEYS_DIR"] = keys,
            ["EVENTHISTORY_SAMPLES"] = Path.Combine(Repo, "samples"), ["EVENTHISTORY_CLI_DLL"] = CliProcess.Dll,
        };
        var first = await RunScriptAsync("docker-setup.sh", env);
        Assert.True(first.Code == 0, first.Err);
        var key = File.ReadAllText(Path.Combine(keys, "admin-key")).Trim();
        Assert.Contains(key, first.Out);
        var apiKeys = new ApiKeys(Db.DataSource);
        Assert.Equal(new ApiKeyHolder("local-admin", Role.Admin), await apiKeys.AuthenticateAsync(key));
        var events = await Db.ScalarAsync("select count(*) from mt_events");
        Assert.True(events > 10, $"{events} events after importing the samples");

        var second = await RunScriptAsync("docker-setup.sh", env);
        Assert.True(second.Code == 0, second.Err);
        Assert.DoesNotContain("ehk_", second.Out);
        Assert.Equal(key, File.ReadAllText(Path.Combine(keys, "admin-key")).Trim());
        Assert.Equal(events, await Db.ScalarAsync("select count(*) from mt_events"));

        File.Delete(Path.Combine(keys, "admin-key"));
        var third = await RunScriptAsync("docker-setup.sh", env);
        Assert.True(third.Code == 0, third.Err);
        var rotated = File.ReadAllText(Path.Combine(keys, "admin-key")).Trim();
        Assert.NotEqual(key, rotated);
        Assert.Null(await apiKeys.AuthenticateAsync(key));
        Assert.Equal("local-admin", (await apiKeys.AuthenticateAsync(rotated))?.Name);
    }

    [Fact]
    public async Task run_sh_serves_from_a_folder_postgres_cannot_enter_and_a_restart_neither_builds_nor_imports_again()
    {
        // A mode-700 folder, as root's home is: the cluster's files must go where postgres can reach them.
        var locked = Path.Combine(Work, "locked");
        Directory.CreateDirectory(locked);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var env = new Dictionary<string, string?>
        {
            ["EVENTHISTORY_DATA"] = Path.Combine(locked, "state"),
            ["EVENTHISTORY_PG_PORT"] = FreePort().ToString(), ["PORT"] = FreePort().ToString(),
        };
        try
        {
            var first = await ServeOnceAsync(env);
            Assert.Contains("/openapi/v1.json", first.Out);
            Assert.Contains("Web pages:", first.Out);
            // The tool run.sh used (keys, the sample import) is the ReadyToRun publish of scripts/cli.sh.
            foreach (var assembly in new[] { "EventHistory.Cli.dll", "EventHistory.dll", "Marten.dll", "Npgsql.dll" })
                Assert.True(IsReadyToRun(Path.Combine(Published, assembly)), $"{assembly} of {Published} is not compiled ahead of time");
            Assert.False(IsReadyToRun(CliProcess.Dll), "the check must tell a plain build from a ReadyToRun one");
            var second = await ServeOnceAsync(env);
            Assert.Contains("EventHistory.Api: built, up to date", second.Err);
            Assert.Contains("EventHistory.Cli: published, up to date", second.Err);
            Assert.Contains("Sample pages: imported, unchanged", second.Err);
            Assert.DoesNotContain("Importing", second.Err);
            Assert.Equal(File.ReadAllText(Path.Combine(locked, "state", "admin-key")).Trim(), KeyIn(first.Out));
            Assert.Equal(KeyIn(first.Out), KeyIn(second.Out));
        }
        finally
        {
            var status = await RunScriptAsync("db.sh", env, "status");
            await RunScriptAsync("db.sh", env, "stop");
            var data = status.Out.Split('\n').FirstOrDefault(l => l.StartsWith("data: ", StringComparison.Ordinal))?[6..];
            if (data is not null && data.StartsWith("/var/lib/eventhistory/", StringComparison.Ordinal)) Directory.Delete(Path.GetDirectoryName(data)!, true);
        }
    }

    [Fact]
    public async Task two_commands_started_at_once_on_a_stale_tool_publish_it_once()
    {
        // The published tool older than every source (or missing): both callers find it stale, and
        // the second must wait for the first's publish rather than write the same files at once.
        var dll = Path.Combine(Published, "EventHistory.Cli.dll");
        if (File.Exists(dll)) File.SetLastWriteTimeUtc(dll, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var env = new Dictionary<string, string?>();

        var runs = await Task.WhenAll(RunScriptAsync("eventhistory", env, "--help"), RunScriptAsync("eventhistory", env, "--help"));

        Assert.All(runs, r => Assert.True(r.Code == 0, r.Err));
        Assert.All(runs, r => Assert.Contains("import-git", r.Out));
        Assert.Equal(1, runs.Count(r => r.Err.Contains("Publishing the command-line tool")));
        Assert.True(IsReadyToRun(dll));
    }

    private static string Published => Path.Combine(Repo, "src", "EventHistory.Cli", "bin", "Release", "net10.0", "ready-to-run");

    /// A ReadyToRun image carries its compiled code behind the CLI header's managed native header.
    private static bool IsReadyToRun(string dll)
    {
        using var pe = new PEReader(File.OpenRead(dll));
        return pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    private const string SamplePath =
        "/news/2017/07/30/a-man-shoots-several-people-in-a-nightclub-in-konstanz-germany-killing-one-the-gunman-was-shot-and-killed-by-police.md";

    private static string KeyIn(string output) =>
        output.Split('\n').Single(l => l.StartsWith("Admin key", StringComparison.Ordinal)).Split(": ")[1].Trim();

    /// Starts run.sh, waits until the API is ready, checks the samples are there and the admin key is
    /// the local-admin's, and stops it.
    private static async Task<(string Out, string Err)> ServeOnceAsync(IDictionary<string, string?> env)
    {
        using var process = Process.Start(Script("run.sh", env))!;
        var (output, error) = (new System.Text.StringBuilder(), new System.Text.StringBuilder());
        var url = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.StartsWith("EventHistory API on ", StringComparison.Ordinal)) url.TrySetResult(e.Data["EventHistory API on ".Length..]);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var exited = process.WaitForExitAsync();
            var started = await Task.WhenAny(url.Task, exited, Task.Delay(ScriptDeadline));
            Assert.True(started == url.Task, $"run.sh did not start the API:\n{output}\n{error}");
            using var http = new HttpClient { BaseAddress = new Uri(url.Task.Result) };
            await WaitUntilReadyAsync(http, exited);
            var key = KeyIn(output.ToString());
            // A sample page, found by its path (search would wait on the async projection).
            var item = await http.GetStringAsync("/api/items?path=" + Uri.EscapeDataString(SamplePath));
            Assert.Contains("nightclub in Konstanz", item);
            using var audit = new HttpRequestMessage(HttpMethod.Get, "/api/changes?editor=local-admin");
            audit.Headers.Authorization = new("Bearer", key);
            var changes = await (await http.SendAsync(audit)).Content.ReadAsStringAsync();
            Assert.True(changes.Contains("\"editor\":\"local-admin\""), $"no change by local-admin: {changes[..Math.Min(changes.Length, 500)]}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        return (output.ToString(), error.ToString());
    }

    /// Polls /health/ready: the API prints its URL just before it starts listening.
    private static async Task WaitUntilReadyAsync(HttpClient http, Task exited)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            Assert.False(exited.IsCompleted, "the API exited");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }
            Assert.True(DateTime.UtcNow < deadline, "the API did not become ready");
            await Task.Delay(100);
        }
    }
}
