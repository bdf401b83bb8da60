using JasperFx.Events.Daemon;
using Marten;
using Npgsql;

namespace EventHistory.EventStore.Daemon;

public sealed record RebuildProgress(long Done, long Total);

/// Rebuilds an async projection through Marten's daemon: Marten empties its tables and resets its
/// progress in one transaction, then replays every event up to the high-water mark in batches
/// that move the progress with them; the daemon goes on live from there. Writers are never
/// blocked. The progress shown is read from the projection's row in mt_event_progression.
public sealed class ProjectionRebuilder(EventStore store, AsyncDaemon daemon)
{
    public const int BatchSize = 1000;

    public async Task<long> RebuildAsync(AsyncProjection projection, IProgress<RebuildProgress>? progress, CancellationToken ct = default)
    {
        // Marten's rebuild resets the projection under the feet of a daemon that works on it in
        // another process: that daemon's agent would go on from its own position. Refuse instead.
        var runningHere = daemon.Running is { } here && here.CurrentAgents().Any(a => a.Name.Identity == projection.ShardName);
        if (!runningHere && (await ProjectionStatusReader.ReadAsync(store.DataSource, [projection.Name], ct))[0].State == "running")
            throw new ProjectionBusyException(projection.Name);

        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        // Held for the rebuild's length: the status reports the projection as rebuilding.
        await ProjectionLocks.ExecuteAsync(conn, $"select pg_advisory_lock({ProjectionLocks.ProjectionKey})", projection.Name, ct);
        try
        {
            var total = await CountAsync(conn, ct);
            progress?.Report(new RebuildProgress(0, total));
            // The daemon of this process, if it works on the projection, stops its agent for the
            // rebuild and starts it again after; otherwise a daemon of our own rebuilds and is gone.
            var running = daemon.Running is { } d && d.CurrentAgents().Any(a => a.Name.Identity == projection.ShardName) ? d : null;
            var own = running is null ? await store.Marten.BuildProjectionDaemonAsync() : null;
            try
            {
                var rebuild = (running ?? own!).RebuildProjectionAsync(projection.Name, TimeSpan.FromMinutes(30), ct);
                // The bar counts the events below the position as it moves: each poll counts only
                // those it passed since the last one, so polling a rebuild of millions costs nothing.
                var (position, done) = (0L, 0L);
                while (await Task.WhenAny(rebuild, Task.Delay(200, ct)) != rebuild)
                {
                    var now = await PositionAsync(conn, projection, ct);
                    if (now < position) (position, done) = (0, 0); // the rebuild reset the progress after our first look
                    done += await CountAsync(conn, position, now, ct);
                    position = now;
                    progress?.Report(new RebuildProgress(done, Math.Max(done, total)));
                }
                await rebuild;
                if (running is not null && running.StatusFor(projection.ShardName) != JasperFx.AgentStatus.Running)
                    await running.StartAgentAsync(projection.ShardName, ct);
            }
            finally { own?.Dispose(); }
            var replayed = await DoneAsync(conn, projection, ct);
            progress?.Report(new RebuildProgress(replayed, replayed));
            return replayed;
        }
        finally
        {
            await ProjectionLocks.ExecuteAsync(conn, $"select pg_advisory_unlock({ProjectionLocks.ProjectionKey})", projection.Name, CancellationToken.None);
        }
    }

    /// The events at or below the projection's position.
    private static async Task<long> DoneAsync(NpgsqlConnection conn, AsyncProjection projection, CancellationToken ct) =>
        await CountAsync(conn, 0, await PositionAsync(conn, projection, ct), ct);

    /// The projection's position: the last sequence number it applied.
    private static async Task<long> PositionAsync(NpgsqlConnection conn, AsyncProjection projection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select coalesce(max(last_seq_id), 0) from mt_event_progression where name = @shard", conn);
        cmd.Parameters.AddWithValue("shard", projection.ShardName);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// The events above <paramref name="after"/> and at or below <paramref name="upTo"/>.
    private static async Task<long> CountAsync(NpgsqlConnection conn, long after, long upTo, CancellationToken ct)
    {
        if (upTo <= after) return 0;
        await using var cmd = new NpgsqlCommand("select count(*) from eh_event_chain where seq_id > @after and seq_id <= @upTo", conn);
        cmd.Parameters.AddWithValue("after", after);
        cmd.Parameters.AddWithValue("upTo", upTo);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<long> CountAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var count = new NpgsqlCommand("select count(*) from eh_event_chain", conn);
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }
}

/// The projection is kept by a daemon in another process: rebuild it there, or stop that daemon.
public sealed class ProjectionBusyException(string projection)
    : InvalidOperationException($"Projection {projection} is kept by the daemon of another process: rebuild it through that process " +
                                "(POST /api/projections/{name}/rebuild to that service) or stop that daemon first.")
{
    public string Projection { get; } = projection;
}
