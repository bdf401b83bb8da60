using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventHistory.EventStore.Daemon;

/// Marten's async daemon in hot/cold mode: every process may run one, and for each projection
/// exactly one holds its advisory lock and works while the others wait to take over.
public sealed class AsyncDaemon(EventStore store, ILogger<ProjectionCoordinator>? log = null)
{
    private volatile ProjectionCoordinator? _running;
    private readonly SemaphoreSlim _pausing = new(1, 1);
    private int _pauses;

    /// Marten's daemon in this process while it runs (rebuilds go through it), else null.
    public IProjectionDaemon? Running => _running?.DaemonForMainDatabase();

    /// Whether this daemon holds a projection's lock and works on it (the others wait on standby).
    public bool Works => Running?.CurrentAgents().Count > 0;

    /// The daemon's part of the one Marten configuration (MartenStore.Configure).
    internal static void Configure(StoreOptions options, string schema, IEnumerable<AsyncProjection> projections)
    {
        options.Projections.AsyncMode = DaemonMode.HotCold;
        // Never skip a sequence gap while a transaction that may still fill it is alive (Marten 9's
        // default, pinned here): with it off, an append held open past StaleSequenceThreshold is
        // skipped for good, as DaemonTests.an_append_held_open_past_the_stale_threshold... shows.
        options.Projections.UseTransactionEvidenceForGapSkipping = true;
        // A session lock, not Marten's default transaction-scoped one: a leader's lock must not sit
        // "idle in transaction", where it would look like a live appender to the gap detection of
        // every other store in the database and hold their high-water marks back.
        options.Events.UseAdvisoryLockTransaction = false;
        // Standby daemons ask for the locks this often; a killed leader's locks die with its session.
        options.Projections.LeadershipPollingTime = 1000;
        options.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
        if (int.TryParse(Environment.GetEnvironmentVariable("EVENTHISTORY_DAEMON_BATCH"), out var batch) && batch > 0)
            foreach (var p in projections) p.BatchSize = batch;
        foreach (var projection in projections)
            options.Projections.Add(projection, ProjectionLifecycle.Async, projection.Name, o =>
            {
                o.BatchSize = projection.BatchSize;
                // Room for the next pages while one is applied: Marten loads ahead only while fewer
                // than this many events wait (its default, 5,000, is a single page of ours).
                o.MaximumHopperSize = Math.Max(o.MaximumHopperSize, 3 * projection.BatchSize);
                foreach (var table in projection.Tables) o.DeleteDataInTableOnTeardown($"{schema}.{table}");
            });
    }

    /// Stops every agent of this process's daemon until the returned handle is disposed, keeping
    /// Marten's locks: no other process takes a projection over meanwhile, and Marten's coordinator
    /// does not start an agent again behind a rebuild's back (it restarts missing agents every
    /// second while it runs). Pauses nest: the agents start again when the last one ends.
    public async Task<IAsyncDisposable> PauseAsync()
    {
        await _pausing.WaitAsync();
        try
        {
            if (_pauses++ == 0 && _running is { } coordinator) await coordinator.PauseAsync();
        }
        finally { _pausing.Release(); }
        return new Pause(this);
    }

    private async Task ResumeAsync()
    {
        await _pausing.WaitAsync();
        try
        {
            if (--_pauses == 0 && _running is { } coordinator) await coordinator.ResumeAsync();
        }
        finally { _pausing.Release(); }
    }

    private sealed class Pause(AsyncDaemon daemon) : IAsyncDisposable
    {
        private int _ended;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0) await daemon.ResumeAsync();
        }
    }

    /// Runs until cancelled: takes the locks of whatever projections no other process works on.
    public async Task RunAsync(CancellationToken ct)
    {
        await using var coordinator = new ProjectionCoordinator(store.Marten, log ?? NullLogger<ProjectionCoordinator>.Instance);
        await coordinator.StartAsync(ct);
        await _pausing.WaitAsync(ct);
        try
        {
            _running = coordinator;
            if (_pauses > 0) await coordinator.PauseAsync(); // a rebuild began before this daemon did
        }
        finally { _pausing.Release(); }
        try { await Task.Delay(Timeout.Infinite, ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            // Under the pause lock: a rebuild ending now must not resume a coordinator being stopped.
            await _pausing.WaitAsync(CancellationToken.None);
            try { _running = null; }
            finally { _pausing.Release(); }
            await coordinator.StopAsync(CancellationToken.None);
        }
    }
}
