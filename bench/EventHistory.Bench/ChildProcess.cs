using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EventHistory.Bench;

/// A built program of the solution run as its own process, so its memory and CPU are its own.
public sealed class ChildProcess : IAsyncDisposable
{
    public Process Process { get; }
    private readonly System.Text.StringBuilder _output = new();
    private long _peakBytes;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;

    private ChildProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (_output) _output.AppendLine(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (_output) _output.AppendLine(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _sampler = Task.Run(SampleAsync);
    }

    /// Starts `dotnet PROJECT.dll ARGS` from the Release build of src/PROJECT (the CLI: Options.CliDll).
    public static ChildProcess Start(Options o, string project, IEnumerable<string> args, IDictionary<string, string> env)
    {
        var dll = project == "EventHistory.Cli" ? o.CliDll : Path.Combine(o.Root, "src", project, "bin", "Release", "net10.0", project + ".dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} is missing: scripts/bench.sh builds the solution in Release and publishes the CLI.");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env) info.Environment[k] = v;
        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {dll}."));
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// The most resident memory seen: the kernel's high-water mark (VmHWM) of the process, read
    /// until it exits, so it is known even after the process is gone.
    public double PeakWorkingSetMiB => Math.Max(Interlocked.Read(ref _peakBytes), ReadPeak()) / (1024.0 * 1024.0);

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested && !Process.HasExited)
        {
            var peak = ReadPeak();
            if (peak > Interlocked.Read(ref _peakBytes)) Interlocked.Exchange(ref _peakBytes, peak);
            try { await Task.Delay(100, _stop.Token); } catch (TaskCanceledException) { }
        }
    }

    private long ReadPeak()
    {
        try
        {
            var line = File.ReadLines($"/proc/{Process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException) { return 0; }
    }

    public async Task<int> WaitAsync(TimeSpan timeout) =>
        await WaitOrStopAsync(timeout) ?? throw new TimeoutException($"The process did not end within {timeout}:\n{Output}");

    /// The exit code, or null when the time ran out first (the process is then killed).
    public async Task<int?> WaitOrStopAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
            return Process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
            return null;
        }
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _sampler;
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }
        Process.Dispose();
    }
}
