using System.Diagnostics;

namespace EventHistory.Cli.Tests;

/// Runs the built CLI (Release, as scripts/test.sh builds it) as a separate process.
public static class CliProcess
{
    /// The clone this test run was built from (the folder with EventHistory.sln).
    public static string Repo { get; } = RepoRoot();

    public static string Dll { get; } = Path.Combine(Repo, "src", "EventHistory.Cli", "bin", "Release", "net10.0", "EventHistory.Cli.dll");

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EventHistory.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("No EventHistory.sln above " + AppContext.BaseDirectory);
    }

    public static Process Start(string connectionString, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["EVENTHISTORY_DB"] = connectionString;
        info.Environment.Remove("EVENTHISTORY_KEY");
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) info.Environment[k] = v;
        return Process.Start(info)!;
    }

    public static async Task<(int Code, string Out, string Err)> RunAsync(
        string connectionString, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        using var process = Start(connectionString, env, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// A daemon process; its output is drained so it never blocks on a full pipe.
    public static Process StartDaemon(string connectionString, string applicationName, int batch)
    {
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = applicationName }.ConnectionString;
        var process = Start(cs, new Dictionary<string, string> { ["EVENTHISTORY_DAEMON_BATCH"] = batch.ToString() }, "daemon");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static void KillHard(Process process)
    {
        // kill -9: no cleanup, no unlock; the server ends the session and its locks.
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }
}
