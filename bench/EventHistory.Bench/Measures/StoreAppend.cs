using System.Security.Cryptography;
using EventHistory.EventStore;
using EventHistory.NewsItems;
using Npgsql;
using NpgsqlTypes;

namespace EventHistory.Bench.Measures;

/// Measure 1: EventStore.AppendAsync (Marten's append with our layer), one event per append, from
/// concurrent writers (the store groups appends that arrive together into one transaction, as it
/// does in the service), against the same rows written by the shortest raw SQL that can write
/// them: one statement per transaction that upserts Marten's stream row, inserts Marten's event row
/// and our chain row (same columns, same sizes, the hash computed by the client), into the same
/// tables with the same indexes.
public static class StoreAppend
{
    public sealed record Outcome(Measure Measure, Throughput Ours, Throughput Raw);

    public static async Task<Outcome> RunAsync(Options o)
    {
        await using var schema = await BenchSchema.CreateAsync(o.ConnectionString, "bench_append");
        var types = NewsItemEventTypes.Register(new EventTypes());
        var store = new EventStore.EventStore(schema.Db, types, []);
        var streams = o.ItemsPerWriter;

        // Each writer owns its streams, so writers never wait on one another's row locks.
        var oursIds = StreamIds(o.Writers, streams);
        var oursVersions = new long[o.Writers, streams];
        var rawIds = StreamIds(o.Writers, streams);
        var rawVersions = new long[o.Writers, streams];
        var rawHashes = new byte[o.Writers, streams][];

        async Task Ours(int w, long n)
        {
            var s = (int)(n % streams);
            var e = Edit(w, n);
            await store.AppendAsync(oursIds[w, s], NewsItemEventTypes.StreamType, oursVersions[w, s], [e], new EventMetadata("bench-editor"));
            oursVersions[w, s]++;
        }

        async Task Raw(int w, long n)
        {
            var s = (int)(n % streams);
            var e = Edit(w, n);
            var data = types.Serialize(e);
            var prev = rawHashes[w, s];
            var hash = SHA256.HashData([.. prev ?? [], .. System.Text.Encoding.UTF8.GetBytes(data)]);
            await using var cmd = schema.Db.CreateCommand(RawSql);
            cmd.Parameters.AddWithValue("stream", rawIds[w, s]);
            cmd.Parameters.AddWithValue("stype", NewsItemEventTypes.StreamType);
            cmd.Parameters.AddWithValue("id", Guid.CreateVersion7());
            cmd.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, data);
            cmd.Parameters.AddWithValue("type", NpgsqlDbType.Varchar, types.NameOf(e.GetType()));
            cmd.Parameters.AddWithValue("dotnet", e.GetType().FullName!);
            cmd.Parameters.AddWithValue("user", NpgsqlDbType.Varchar, "bench-editor");
            cmd.Parameters.AddWithValue("prev", NpgsqlDbType.Bytea, (object?)prev ?? DBNull.Value);
            cmd.Parameters.AddWithValue("hash", hash);
            await cmd.ExecuteNonQueryAsync();
            rawHashes[w, s] = hash;
            rawVersions[w, s]++;
        }

        // Alternating halves, so drift in the machine's load falls on both sides alike.
        var half = o.Seconds / 2;
        var ours1 = await Load.RunAsync(o.Writers, o.WarmupSeconds, half, Ours);
        var raw1 = await Load.RunAsync(o.Writers, o.WarmupSeconds, half, Raw);
        await schema.SettleAsync();
        var raw2 = await Load.RunAsync(o.Writers, o.WarmupSeconds / 2, half, Raw);
        var ours2 = await Load.RunAsync(o.Writers, o.WarmupSeconds / 2, half, Ours);
        var ours = ours1 + ours2;
        var raw = raw1 + raw2;

        var chained = await schema.ScalarAsync("select count(*) from eh_event_chain where version > 1 and prev_hash is null");
        if (chained != 0) throw new InvalidOperationException("Raw baseline rows lack their chain: the comparison would be unfair.");

        var measure = new Measure(
            $"1 store append, 1 event each, {o.Writers} writers", ours.PerSecond, raw.PerSecond, "events/s", ">= 0.8",
            $"ours: {ours.Describe()}; raw: {raw.Describe()}. Raw is 1 round trip per transaction (1 statement, implicit commit); " +
            "ours: appends that arrive while one is being written share the next transaction (group commit; the WAL flushes above count " +
            "appends per commit), one batch per group (for each append the guard: appender lock, stream lock, archive, version and order check; " +
            "Marten's quick append; then the chain hashes of the group's events in one statement, and the commit).");
        return new Outcome(measure, ours, raw);
    }

    private const string RawSql =
        """
        with s as (
            insert into mt_streams as s (id, type, version) values (@stream, @stype, 1)
            on conflict (id) do update set version = s.version + 1, timestamp = now()
            returning version),
        e as (
            insert into mt_events (seq_id, id, stream_id, version, data, type, mt_dotnet_type, user_name, timestamp)
            select nextval('mt_events_sequence'), @id, @stream, s.version, @data, @type, @dotnet, @user, now() from s
            returning seq_id, version)
        insert into eh_event_chain (seq_id, stream_id, version, prev_hash, hash)
        select e.seq_id, @stream, e.version, @prev, @hash from e
        """;

    public static HeadlineRevised Edit(int writer, long n)
    {
        var headline = $"Benchmark writer {writer} revises the headline of its item for the {n}th time, as editors do";
        return new HeadlineRevised(headline, Slugs.For("en", headline), DateTimeOffset.UtcNow, "bench: steady edits");
    }

    private static Guid[,] StreamIds(int writers, int streams)
    {
        var ids = new Guid[writers, streams];
        for (var w = 0; w < writers; w++)
            for (var s = 0; s < streams; s++) ids[w, s] = Guid.CreateVersion7();
        return ids;
    }
}
