using Npgsql;

namespace EventHistory.EventStore.Daemon;

/// How far a rebuild may replay: a sequence number at or below which every event is committed or
/// never will be, so the live daemon, going on from it, neither skips a late commit nor applies
/// an event twice.
public static class RebuildHorizon
{
    public static async Task<long> ReadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        // Three statements, in this order (each gets a newer snapshot). Every number up to `drawn`
        // was drawn by an appender that held this schema's appender lock (eh_append_guard takes it
        // before Marten draws any) and was still holding it when `drawn` was read.
        var drawn = await ScalarAsync(conn, "select case when is_called then last_value else 0 end from mt_events_sequence", ct);
        // No appender now: all of them have ended, so the next statement sees every event up to
        // `drawn` that will ever commit, and a number missing below it was rolled back.
        if (!await AppendersInProgressAsync(conn, ct)) return drawn;
        // Some appender is in progress and may hold any missing number. Go up to the first hole
        // above the high-water mark Marten's daemon recorded (below it, Marten has proven every hole
        // dead, and it never skips one a live transaction may fill): everything up to there has committed.
        await using var cmd = new NpgsqlCommand(
            """
            with mark as (select coalesce(max(last_seq_id), 0) as seq from mt_event_progression where name = 'HighWaterMark'),
            above as (
                select e.seq_id, lag(e.seq_id, 1, mark.seq) over (order by e.seq_id) as previous
                from mt_events e, mark where e.seq_id > mark.seq and e.seq_id <= @drawn)
            select least(@drawn, coalesce(
                (select previous from above where seq_id <> previous + 1 order by seq_id limit 1),
                (select max(seq_id) from above),
                (select seq from mark)))
            """, conn);
        cmd.Parameters.AddWithValue("drawn", drawn);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<bool> AppendersInProgressAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        // The shared lock (1162346500, hashtext(schema)) every appender of this schema holds for its
        // whole transaction (Schema.sql, eh_feed_horizon reads it the same way).
        await using var cmd = new NpgsqlCommand(
            """
            select exists (select 1 from pg_locks l
                where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                  and l.database = (select oid from pg_database where datname = current_database())
                  and l.classid::bigint = 1162346500 and l.objid::bigint = hashtext(current_schema())::bigint & 4294967295)
            """, conn);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
    }
}
