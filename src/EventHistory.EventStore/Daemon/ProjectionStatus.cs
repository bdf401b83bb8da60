using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Npgsql;

namespace EventHistory.EventStore.Daemon;

/// Where a projection stands: its position, how far behind the committed events it is, and
/// whether a daemon (in any process) is working on it or a rebuild is, and then how far that
/// rebuild has got (Rebuild: events replayed, of about how many). Read from the database, not a process.
public sealed record ProjectionStatus(
    string Name, string Kind, string Position, long LastSequence, DateTimeOffset? LastUpdated,
    long LagEvents, double LagSeconds, string State, RebuildProgress? Rebuild = null);

public static class ProjectionStatusReader
{
    public static async Task<IReadOnlyList<ProjectionStatus>> ReadAsync(
        NpgsqlDataSource db, IEnumerable<string> asyncProjections, CancellationToken ct = default)
    {
        var names = asyncProjections.ToArray();
        // The lock Marten's hot/cold daemon holds while it works on the projection (any process).
        var schema = MartenStore.SchemaOf(db);
        var locks = names.Select(n => (long)ProjectionLockIds.Compute(schema, new ShardName(n), new DaemonSettings().DaemonLockId)).ToArray();
        await using var cmd = db.CreateCommand(
            $"""
            select n.name, coalesce(p.last_seq_id, 0), p.last_updated,
                   lag.events, coalesce(extract(epoch from now() - lag.oldest), 0)::float8,
                   case when {ProjectionLocks.RebuildHeld("n.name")} then 'rebuilding'
                        when exists (select 1 from pg_locks l
                                     where l.locktype = 'advisory' and l.granted and l.objsubid = 1
                                       and l.database = (select oid from pg_database where datname = current_database())
                                       and ((l.classid::bigint << 32) | l.objid::bigint) = n.lock_id) then 'running'
                        else 'stopped' end,
                   rp.done, rp.total
            from unnest(@names::text[], @locks::bigint[]) with ordinality as n(name, lock_id, i)
            left join mt_event_progression p on p.name = n.name || ':All'
            left join eh_rebuild_progress rp on rp.name = n.name and {ProjectionLocks.RebuildHeld("n.name")}
            cross join lateral (
                select count(*) as events, min(e.timestamp) as oldest from {GlobalReader.From}
                where c.seq_id > coalesce(p.last_seq_id, 0)) lag
            order by n.i
            """);
        cmd.Parameters.AddWithValue("names", names);
        cmd.Parameters.AddWithValue("locks", locks);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var statuses = new List<ProjectionStatus>();
        while (await r.ReadAsync(ct))
            statuses.Add(new ProjectionStatus(r.GetString(0), "async", r.GetInt64(1).ToString(), r.GetInt64(1),
                r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2), r.GetInt64(3), Math.Round(r.GetDouble(4), 3), r.GetString(5),
                r.IsDBNull(6) ? null : new RebuildProgress(r.GetInt64(6), r.GetInt64(7))));
        return statuses;
    }
}
