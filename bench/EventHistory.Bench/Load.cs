using System.Diagnostics;

namespace EventHistory.Bench;

/// What a timed phase did, and what the machine was doing meanwhile (to say what limits it).
public sealed record Throughput(long Operations, double Seconds, double CpuBusy, double ClientCores, long WalSyncs = 0, double WalSyncSeconds = 0)
{
    public double PerSecond => Operations / Seconds;
    public static Throughput operator +(Throughput a, Throughput b) => new(
        a.Operations + b.Operations, a.Seconds + b.Seconds,
        (a.CpuBusy * a.Seconds + b.CpuBusy * b.Seconds) / (a.Seconds + b.Seconds),
        (a.ClientCores * a.Seconds + b.ClientCores * b.Seconds) / (a.Seconds + b.Seconds),
        a.WalSyncs + b.WalSyncs, a.WalSyncSeconds + b.WalSyncSeconds);

    public string Describe(string client = "bench") =>
        $"{Operations:N0} ops in {Seconds:F1} s; machine CPU {CpuBusy:P0} busy, {client} process {ClientCores:F2} cores" +
        (WalSyncs > 0 ? $", {WalSyncs:N0} WAL flushes ({(double)Operations / WalSyncs:F1} ops each) taking {WalSyncSeconds / Seconds:P0} of the time" : "");
}

public sealed record Latency(double MedianMicros, double P99Micros, int Samples);

public static class Load
{
    /// Runs <paramref name="workers"/> loops of <paramref name="operation"/> (worker, n) for a warm-up,
    /// then counts what completes in the timed window. <paramref name="client"/> is the process whose
    /// CPU to report (the bench itself, or the service it drives).
    public static async Task<Throughput> RunAsync(
        int workers, double warmupSeconds, double seconds, Func<int, long, Task> operation, Process? client = null)
    {
        Wal wal0;
        long done = 0;
        var stop = false;
        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (long n = 0; !Volatile.Read(ref stop); n++)
            {
                await operation(w, n);
                Interlocked.Increment(ref done);
            }
        })).ToArray();

        await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(warmupSeconds)), Task.WhenAll(tasks));
        client ??= Process.GetCurrentProcess();
        client.Refresh();
        var cpu0 = Cpu.Read();
        wal0 = await Wal.ReadAsync();
        var proc0 = client.TotalProcessorTime;
        var start = Interlocked.Read(ref done);
        var clock = Stopwatch.StartNew();
        await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(seconds)), Task.WhenAll(tasks));
        var end = Interlocked.Read(ref done);
        var elapsed = clock.Elapsed.TotalSeconds;
        client.Refresh();
        var cores = (client.TotalProcessorTime - proc0).TotalSeconds / elapsed;
        var busy = Cpu.Read().BusySince(cpu0);
        var wal = await Wal.ReadAsync();
        Volatile.Write(ref stop, true);
        await Task.WhenAll(tasks);
        return new Throughput(end - start, elapsed, busy, cores, wal.Syncs - wal0.Syncs, (wal.SyncMillis - wal0.SyncMillis) / 1000);
    }

    /// Alternates the two reads so drift (other load, caches) hits both alike; returns their latencies.
    public static async Task<(Latency A, Latency B)> PairAsync(int samples, int warmup, Func<int, Task> a, Func<int, Task> b)
    {
        for (var i = 0; i < warmup; i++) { await a(i); await b(i); }
        var ta = new double[samples];
        var tb = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await a(i);
            ta[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
            t = Stopwatch.GetTimestamp();
            await b(i);
            tb[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
        }
        return (Summarize(ta), Summarize(tb));
    }

    private static Latency Summarize(double[] micros)
    {
        Array.Sort(micros);
        return new Latency(micros[micros.Length / 2], micros[Math.Min(micros.Length - 1, (int)Math.Ceiling(micros.Length * 0.99) - 1)], micros.Length);
    }
}

/// Whole-machine CPU counters from /proc/stat: busy share of all cores between two readings.
public readonly record struct Cpu(long Busy, long Total)
{
    public static Cpu Read()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Skip(1).Take(8).Select(long.Parse).ToArray();
            var idle = fields[3] + fields[4];
            var total = fields.Sum();
            return new Cpu(total - idle, total);
        }
        catch (IOException) { return new Cpu(0, 0); }
    }

    public double BusySince(Cpu earlier) => Total == earlier.Total ? 0 : (double)(Busy - earlier.Busy) / (Total - earlier.Total);

    /// CPU seconds the whole machine was busy since <paramref name="earlier"/>, all cores together
    /// (/proc/stat counts in USER_HZ, 100 a second).
    public double BusySecondsSince(Cpu earlier) => (Busy - earlier.Busy) / 100.0;
}

/// The server's WAL flushes (pg_stat_wal; the time needs track_wal_io_timing): how much of a
/// window the commits spent waiting for the disk, which is what bounds durable commits here.
public readonly record struct Wal(long Syncs, double SyncMillis)
{
    public static Npgsql.NpgsqlDataSource? Server { get; set; }

    public static async Task<Wal> ReadAsync()
    {
        if (Server is null) return default;
        await using var cmd = Server.CreateCommand("select wal_sync, wal_sync_time from pg_stat_wal");
        await using var r = await cmd.ExecuteReaderAsync();
        return await r.ReadAsync() ? new Wal(r.GetInt64(0), r.GetDouble(1)) : default;
    }
}
