using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EventHistory.EventStore.Daemon;

public sealed record DaemonOptions
{
    /// Events per transaction while catching up; below a full batch the daemon is live.
    public int BatchSize { get; init; } = 500;
    /// How long a live daemon sleeps without a notification: commits can become safe to read
    /// (another transaction ends) without anyone appending, and notifications can be lost.
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    /// How often a standby daemon asks for the lock.
    public TimeSpan LockRetry { get; init; } = TimeSpan.FromSeconds(1);

    /// EVENTHISTORY_DAEMON_BATCH overrides the batch size (tests use small batches to stop mid-way).
    public static DaemonOptions FromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("EVENTHISTORY_DAEMON_BATCH"), out var size) && size > 0
            ? new DaemonOptions { BatchSize = size }
            : new DaemonOptions();
}

/// Keeps every async projection up to date. Only the holder of the daemon's advisory lock works;
/// others wait on standby and take over when its session ends (process killed, connection lost).
public sealed class ProjectionDaemon(
    EventStore store, IEnumerable<IAsyncProjection> projections, DaemonOptions? options = null, ILogger<ProjectionDaemon>? log = null)
{
    public const string Channel = "mt_events";
    private readonly DaemonOptions _options = options ?? new DaemonOptions();
    private readonly ILogger _log = (ILogger?)log ?? NullLogger.Instance;
    private readonly IReadOnlyList<IAsyncProjection> _projections = [.. projections];

    public bool HoldsLock { get; private set; }

    /// Runs until cancelled; connection failures are retried, never fatal.
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var lockConn = await store.DataSource.OpenConnectionAsync(ct);
                while (!await ProjectionLocks.BoolAsync(lockConn, null, $"select pg_try_advisory_lock({ProjectionLocks.DaemonKey})", ct))
                    await Task.Delay(_options.LockRetry, ct);
                HoldsLock = true;
                _log.LogInformation("Projection daemon holds the lock (session {Pid}); processing", lockConn.ProcessID);
                try { await ProcessAsync(lockConn, ct); }
                finally
                {
                    // A pooled connection keeps its session locks until reused: give the lock back now.
                    HoldsLock = false;
                    try
                    {
                        await using var unlock = new NpgsqlCommand($"select pg_advisory_unlock({ProjectionLocks.DaemonKey})", lockConn);
                        await unlock.ExecuteNonQueryAsync(CancellationToken.None);
                    }
                    catch (Exception e) when (e is NpgsqlException or InvalidOperationException) { }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Never fatal: in the API a failed background service would stop the whole host.
                // A projection that keeps failing shows as a growing lag in the status.
                _log.LogWarning(e, "Projection daemon stopped processing; retrying");
                HoldsLock = false;
                try { await Task.Delay(_options.LockRetry, ct); } catch (OperationCanceledException) { }
            }
            finally { HoldsLock = false; }
        }
    }

    private async Task ProcessAsync(NpgsqlConnection lockConn, CancellationToken ct)
    {
        string schema;
        await using (var cmd = new NpgsqlCommand("select current_schema()", lockConn)) schema = (string)(await cmd.ExecuteScalarAsync(ct))!;
        var wake = new SemaphoreSlim(0);
        using var stopListening = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var listening = ListenAsync(schema, wake, stopListening.Token);
        try
        {
            var lockPid = lockConn.ProcessID;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var full = false;
                foreach (var projection in _projections) full |= await StepAsync(projection, lockPid, ct);
                if (full) continue;
                await wake.WaitAsync(_options.PollInterval, ct);
                while (wake.CurrentCount > 0) await wake.WaitAsync(ct);
                // The session lock lives and dies with this connection; if it is gone, so is the lock.
                await using var ping = new NpgsqlCommand("select 1", lockConn);
                await ping.ExecuteScalarAsync(ct);
            }
        }
        finally
        {
            await stopListening.CancelAsync();
            try { await listening; } catch { }
        }
    }

    /// One batch of one projection; true when the batch was full (still catching up).
    private async Task<bool> StepAsync(IAsyncProjection projection, int lockPid, CancellationToken ct)
    {
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        var position = await ProjectionProgress.ReadAsync(conn, null, projection.Name, ct);
        var batch = await store.ReadAllAsync(position, _options.BatchSize, ct);
        if (batch.Count == 0) return false;
        var outcome = await ProjectionProgress.ApplyBatchAsync(conn, projection, position, batch, async (c, tx) =>
        {
            if (!await ProjectionLocks.BoolAsync(c, tx, $"select {ProjectionLocks.DaemonHeld(byPid: true)}", ct, ("pid", lockPid)))
                throw new LockLostException();
            // A rebuild holds the projection exclusively: leave it alone until it is done.
            return await ProjectionLocks.BoolAsync(c, tx, $"select pg_try_advisory_xact_lock_shared({ProjectionLocks.ProjectionKey})", ct,
                ("name", projection.Name));
        }, ct);
        return outcome == ProjectionProgress.Outcome.Applied && batch.Count == _options.BatchSize;
    }

    private async Task ListenAsync(string schema, SemaphoreSlim wake, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await store.DataSource.OpenConnectionAsync(ct);
                conn.Notification += (_, n) => { if (n.Payload == schema) wake.Release(); };
                await using (var listen = new NpgsqlCommand($"listen {Channel}", conn)) await listen.ExecuteNonQueryAsync(ct);
                while (true) await conn.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                // The poll keeps the daemon going meanwhile.
                _log.LogWarning(e, "Listening for appends failed; relying on the poll");
                try { await Task.Delay(_options.LockRetry, ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private sealed class LockLostException() : Exception("The daemon's advisory lock is no longer held by its session.");
}
