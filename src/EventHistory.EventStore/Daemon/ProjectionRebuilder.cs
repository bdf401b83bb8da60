using Npgsql;

namespace EventHistory.EventStore.Daemon;

public sealed record RebuildProgress(long Done, long Total);

/// Replays every event into an async projection from scratch. The rebuild holds the projection's
/// lock exclusively, so the daemon leaves it alone meanwhile; writers are never blocked. Batches
/// commit with their position, so an interrupted rebuild is finished by the daemon.
public sealed class ProjectionRebuilder(EventStore store)
{
    public const int BatchSize = 1000;

    public async Task<long> RebuildAsync(IAsyncProjection projection, IProgress<RebuildProgress>? progress, CancellationToken ct = default)
    {
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand($"select pg_advisory_lock({ProjectionLocks.ProjectionKey})", conn))
        {
            take.Parameters.AddWithValue("name", projection.Name);
            await take.ExecuteNonQueryAsync(ct);
        }
        try
        {
            var total = await CountAsync(conn, ct);
            await using (var tx = await conn.BeginTransactionAsync(ct))
            {
                await ProjectionProgress.ReadAsync(conn, tx, projection.Name, ct, forUpdate: true);
                await projection.ResetAsync(conn, tx, ct);
                await ProjectionProgress.MoveAsync(conn, tx, projection.Name, GlobalPosition.Start, ct);
                await tx.CommitAsync(ct);
            }
            progress?.Report(new RebuildProgress(0, total));
            var position = GlobalPosition.Start;
            long done = 0;
            while (true)
            {
                var batch = await store.ReadAllAsync(position, BatchSize, ct);
                if (batch.Count == 0) break;
                if (await ProjectionProgress.ApplyBatchAsync(conn, projection, position, batch, null, ct) != ProjectionProgress.Outcome.Applied)
                    throw new InvalidOperationException($"Projection {projection.Name} moved during its rebuild.");
                position = batch[^1].Position;
                done += batch.Count;
                progress?.Report(new RebuildProgress(done, Math.Max(done, total)));
            }
            return done;
        }
        finally
        {
            await using var release = new NpgsqlCommand($"select pg_advisory_unlock({ProjectionLocks.ProjectionKey})", conn);
            release.Parameters.AddWithValue("name", projection.Name);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    public static async Task<long> CountAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var count = new NpgsqlCommand("select count(*) from eh_event_chain", conn);
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }
}
