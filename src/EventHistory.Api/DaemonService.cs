using EventHistory.EventStore.Daemon;

namespace EventHistory.Api;

/// Runs Marten's async daemon inside the service (EVENTHISTORY_DAEMON=false turns it off). With
/// several service processes, hot/cold mode lets one work on each projection while the others
/// wait on standby.
public sealed class DaemonService(AsyncDaemon daemon) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => daemon.RunAsync(stoppingToken);
}
