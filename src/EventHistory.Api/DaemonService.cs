using EventHistory.EventStore.Daemon;

namespace EventHistory.Api;

/// Runs the projection daemon inside the service (EVENTHISTORY_DAEMON=false turns it off). With
/// several service processes, the advisory lock lets one work while the others wait on standby.
public sealed class DaemonService(ProjectionDaemon daemon) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => daemon.RunAsync(stoppingToken);
}
