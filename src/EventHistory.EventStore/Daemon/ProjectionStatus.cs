using Npgsql;

namespace EventHistory.EventStore.Daemon;

/// Where a projection stands: its position, how far behind the committed events it is, and
/// whether a daemon (in any process) is working on it. Read from the database, not a process.
public sealed record ProjectionStatus(
    string Name, string Kind, string Position, long LastSequence, DateTimeOffset? LastUpdated,
    long LagEvents, double LagSeconds, string State);

public static class ProjectionStatusReader
{
    public static async Task<IReadOnlyList<ProjectionStatus>> ReadAsync(
        NpgsqlDataSource db, IEnumerable<string> asyncProjections, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            $"""
            select n.name, coalesce(p.last_tx_id, '0')::text, coalesce(p.last_seq_id, 0), p.last_updated,
                   lag.events, coalesce(extract(epoch from now() - lag.oldest), 0)::float8,
                   case when {ProjectionLocks.RebuildHeld("n.name")} then 'rebuilding'
                        when {ProjectionLocks.DaemonHeld()} then 'running'
                        else 'stopped' end
            from unnest(@names::text[]) with ordinality as n(name, i)
            left join eh_projection_progress p on p.name = n.name
            cross join lateral (
                select count(*) as events, min(e.timestamp) as oldest from {GlobalReader.From}
                where (c.tx_id, c.seq_id) > (coalesce(p.last_tx_id, '0'), coalesce(p.last_seq_id, 0))) lag
            order by n.i
            """);
        cmd.Parameters.AddWithValue("names", asyncProjections.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var statuses = new List<ProjectionStatus>();
        while (await r.ReadAsync(ct))
            statuses.Add(new ProjectionStatus(r.GetString(0), "async", $"{r.GetString(1)}.{r.GetInt64(2)}", r.GetInt64(2),
                r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3), r.GetInt64(4), Math.Round(r.GetDouble(5), 3), r.GetString(6)));
        return statuses;
    }
}
