using EventHistory.EventStore;
using EventHistory.NewsItems;
using EventHistory.Projections;
using Npgsql;

namespace EventHistory.Bench.Measures;

/// Measure 5: the relational alternative. The same items live in a system-versioned table of the
/// periods extension (a trigger copies the old row into a history table on each update); they get
/// the same edits from as many concurrent writers, and the same as-of reads.
/// Ours: ReviseHeadline through MediatR in this process (load, decide, append, inline projections).
/// Theirs: one UPDATE per edit that changes the same fields and the state document in place.
public static class Temporal
{
    public static async Task<IReadOnlyList<Measure>> RunAsync(Options o)
    {
        await using var schema = await BenchSchema.CreateAsync(o.ConnectionString, "bench_temporal");
        await using var domain = Domain.For(schema.Db);
        await schema.ExecuteAsync(TheirSchema);

        var ours = new Guid[o.Writers, o.ItemsPerWriter];
        for (var w = 0; w < o.Writers; w++)
            for (var i = 0; i < o.ItemsPerWriter; i++)
                ours[w, i] = (await domain.CreateAsync($"Temporal benchmark item {w}-{i} is created")).ItemId;
        // Theirs start as copies of ours: same ids, same first state.
        await schema.ExecuteAsync(
            """
            insert into items_sv (id, revision, date, headline, slug, path, edition, status, edited_at, editor, reason, state)
            select id, revision, date, headline, slug, path, edition, status, edited_at, 'bench-editor', null, state from eh_items
            """);

        async Task Ours(int w, long n)
        {
            var headline = Headline(w, n);
            await domain.SendAsync(new ReviseHeadline.Command(ours[w, n % o.ItemsPerWriter], headline, "bench: steady edits"));
        }

        async Task Theirs(int w, long n)
        {
            var headline = Headline(w, n);
            await using var cmd = schema.Db.CreateCommand(TheirEdit);
            cmd.Parameters.AddWithValue("id", ours[w, n % o.ItemsPerWriter]);
            cmd.Parameters.AddWithValue("headline", headline);
            cmd.Parameters.AddWithValue("slug", Slugs.For("en", headline));
            cmd.Parameters.AddWithValue("editor", "bench-editor");
            cmd.Parameters.AddWithValue("reason", "bench: steady edits");
            if (await cmd.ExecuteNonQueryAsync() != 1) throw new InvalidOperationException("Their edit found no row.");
        }

        var half = o.Seconds / 2;
        var ourWrites = await Load.RunAsync(o.Writers, o.WarmupSeconds, half, Ours);
        var theirWrites = await Load.RunAsync(o.Writers, o.WarmupSeconds, half, Theirs);
        await schema.SettleAsync();
        theirWrites += await Load.RunAsync(o.Writers, o.WarmupSeconds / 2, half, Theirs);
        ourWrites += await Load.RunAsync(o.Writers, o.WarmupSeconds / 2, half, Ours);
        await schema.SettleAsync();

        // The same logical reads on both sides: item X as it was when its revision K was written,
        // each side asked at its own recorded time of that revision.
        var targets = await PickTargetsAsync(schema.Db, o.Reads);
        var (ourReads, theirReads) = await Load.PairAsync(targets.Count, Math.Max(100, targets.Count / 10),
            async i =>
            {
                var item = await domain.SendAsync(new GetItemAsOf.Query(targets[i].Id, targets[i].OurTime, Clock.Recorded));
                if (item.Revision != targets[i].Revision) throw new InvalidOperationException($"Our as-of read found revision {item.Revision}, not {targets[i].Revision}.");
            },
            i => ReadTheirsAsync(schema.Db, targets[i].Id, targets[i].TheirTime, targets[i].Revision));

        var revisions = await schema.ScalarAsync("select count(*) from eh_item_revisions");
        var history = await schema.ScalarAsync("select count(*) from items_sv_history");
        return
        [
            new Measure($"5w edits vs system-versioned table, {o.Writers} writers", ourWrites.PerSecond, theirWrites.PerSecond, "edits/s", ">= 1.0",
                $"ours: {ourWrites.Describe()}; theirs: {theirWrites.Describe()}. Ours writes 6 rows per edit (event, chain row, " +
                "stream, current item, revision, path) in 1 round trip (one batch: guard with stream lock, archive and version check, Marten's append, " +
                "chain hash, projection rows, the commit; the state is the one this process remembers from its last edit); theirs 2 rows (update + history row by trigger) in 1."),
            new Measure("5r as-of read vs system-versioned table, median", ourReads.MedianMicros, theirReads.MedianMicros, "µs", "<= 1.0",
                $"{ourReads.Samples:N0} reads each, alternating, of a random item as of the time one of its revisions was recorded. " +
                "Ours: the GetItemAsOf query (store clock) through MediatR, one probe of eh_item_revisions (item_id, recorded_at); " +
                $"theirs: items_sv__as_of(t) with an index on the history (id, system_time_start); both parse the state into a NewsItem. " +
                $"{revisions:N0} revisions vs {history:N0} history rows."),
            new Measure("5r as-of read vs system-versioned table, p99", ourReads.P99Micros, theirReads.P99Micros, "µs", "<= 1.0", ""),
        ];
    }

    private static string Headline(int w, long n) => $"Temporal benchmark writer {w} revises a headline, edit {n}";

    private const string TheirSchema =
        """
        create table items_sv (
            id uuid primary key, revision bigint not null, date date not null, headline text not null,
            slug text not null, path text not null, edition varchar not null, status varchar not null,
            edited_at timestamptz not null, editor varchar, reason text, state jsonb not null);
        select periods.add_system_time_period('items_sv', 'system_time_start', 'system_time_end');
        select periods.add_system_versioning('items_sv');
        create index items_sv_history_id_start on items_sv_history (id, system_time_start);
        """;

    private const string TheirEdit =
        """
        update items_sv set revision = revision + 1, headline = @headline, slug = @slug,
            path = regexp_replace(path, '[^/]*\.md$', @slug || '.md'), edited_at = now(), editor = @editor, reason = @reason,
            state = state || jsonb_build_object('revision', revision + 1, 'headline', @headline::text, 'slug', @slug::text, 'editedAt', now())
        where id = @id
        """;

    private const string TheirAsOf = "select revision, state::text from items_sv__as_of(@t) where id = @id";

    private sealed record Target(Guid Id, long Revision, DateTimeOffset OurTime, DateTimeOffset TheirTime);

    private static async Task<List<Target>> PickTargetsAsync(NpgsqlDataSource db, int count)
    {
        await using var cmd = db.CreateCommand(
            """
            select r.item_id, r.revision, r.recorded_at, h.system_time_start
            from eh_item_revisions r
            join items_sv_with_history h on h.id = r.item_id and h.revision = r.revision
            order by random() limit @n
            """);
        cmd.Parameters.AddWithValue("n", count);
        await using var r = await cmd.ExecuteReaderAsync();
        var targets = new List<Target>();
        while (await r.ReadAsync())
            targets.Add(new Target(r.GetGuid(0), r.GetInt64(1), r.GetFieldValue<DateTimeOffset>(2), r.GetFieldValue<DateTimeOffset>(3)));
        if (targets.Count == 0) throw new InvalidOperationException("No revisions to read as of.");
        return targets;
    }

    private static async Task ReadTheirsAsync(NpgsqlDataSource db, Guid id, DateTimeOffset at, long revision)
    {
        await using var cmd = db.CreateCommand(TheirAsOf);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("t", at);
        await using var r = await cmd.ExecuteReaderAsync();
        if (!await r.ReadAsync() || r.GetInt64(0) != revision)
            throw new InvalidOperationException($"Their as-of read of {id} found no revision {revision}.");
        if (NewsItemRows.Parse(r.GetString(1)).Revision != revision) throw new InvalidOperationException("Their state disagrees with their row.");
    }
}
