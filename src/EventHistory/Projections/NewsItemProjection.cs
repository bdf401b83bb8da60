using System.Text.Encodings.Web;
using System.Text.Json;
using EventHistory.EventStore;
using EventHistory.NewsItems;
using Npgsql;
using NpgsqlTypes;

namespace EventHistory.Projections;

/// The current item, one row per revision, and every path the item ever had (its own, and those
/// its pages name); all inline. It is the one writer of its three tables, so a rebuild that replays
/// it gives back exactly what it wrote.
public sealed class NewsItemProjection : IInlineProjection
{
    // Three statements whatever the number of events (one per table, the rows as arrays through
    // unnest): an import batch of 200 pages would otherwise send one statement per event and table,
    // and PostgreSQL's cost per statement, not per row, was most of an import's time.
    // The state goes into jsonb columns, which keep characters, not their escapes: written
    // unescaped, a Chinese state is half the bytes to write, send and parse, and stored the same.
    private static readonly JsonSerializerOptions StateJson = new(EventTypes.Json) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async ValueTask<IReadOnlyList<NpgsqlBatchCommand>> ProjectAsync(ProjectionInput input, CancellationToken ct)
    {
        var states = await StatesBeforeAsync(input, ct);
        var revisions = new Rows();
        var paths = new Dictionary<string, (Guid Item, long Revision)>(StringComparer.Ordinal);
        // A batch may hold many events of one stream (an import): its current row is written once, last.
        var latest = new Dictionary<Guid, (NewsItem State, ProjectedEvent Event, string Json)>();
        foreach (var projected in input.Events)
        {
            if (projected.Data is not INewsItemEvent e) continue;
            var previous = states.GetValueOrDefault(projected.StreamId);
            if (e is not NewsItemCreated && previous?.Revision != projected.Version - 1)
                throw new ConcurrencyException(projected.StreamId, projected.Version - 1, previous?.Revision ?? 0);
            var state = previous is null ? NewsItem.Create((NewsItemCreated)e) : previous.Apply(e);
            states[projected.StreamId] = state;
            var json = JsonSerializer.Serialize(state, StateJson);
            revisions.Add(state, projected, json, e);
            // The first revision that names a path keeps it (as the table's "on conflict do nothing" would).
            foreach (var path in state.PathsNamedBy(e)) paths.TryAdd(path, (state.Id, state.Revision));
            latest[projected.StreamId] = (state, projected, json);
        }
        if (latest.Count == 0) return [];
        var current = new Rows();
        foreach (var (state, projected, json) in latest.Values) current.Add(state, projected, json, null);
        return [current.Upsert(), revisions.Insert(), InsertPaths(paths)];
    }

    /// The state before the first event of each stream: the writer's, or read in one query. Read
    /// before the stream's lock, so it is checked against the version the events follow.
    private static async Task<Dictionary<Guid, NewsItem>> StatesBeforeAsync(ProjectionInput input, CancellationToken ct)
    {
        var states = new Dictionary<Guid, NewsItem>();
        var first = input.Events.Where(e => e.Data is INewsItemEvent).GroupBy(e => e.StreamId).Select(g => g.First()).ToList();
        foreach (var before in input.StatesBefore.OfType<NewsItem>())
            if (first.FirstOrDefault(e => e.StreamId == before.Id) is { } its && before.Revision == its.Version - 1)
                states[before.Id] = before;
        var missing = first.Where(e => e.Data is not NewsItemCreated && !states.ContainsKey(e.StreamId)).Select(e => e.StreamId).ToArray();
        if (missing.Length == 0) return states;
        await using var cmd = new NpgsqlCommand("select state::text from eh_items where id = any(@ids)", input.Connection, input.Transaction);
        cmd.Parameters.AddWithValue("ids", missing);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var state = NewsItemRows.Parse(reader.GetString(0));
            states[state.Id] = state;
        }
        return states;
    }

    private static NpgsqlBatchCommand InsertPaths(Dictionary<string, (Guid Item, long Revision)> paths)
    {
        var insert = new NpgsqlBatchCommand(
            """
            insert into eh_item_paths (path, item_id, first_revision)
            select * from unnest(@paths, @ids, @revs) on conflict (path) do nothing
            """);
        insert.Parameters.AddWithValue("paths", paths.Keys.ToArray());
        insert.Parameters.AddWithValue("ids", paths.Values.Select(p => p.Item).ToArray());
        insert.Parameters.AddWithValue("revs", paths.Values.Select(p => p.Revision).ToArray());
        return insert;
    }

    /// Item rows as columns: the current rows, or the revision rows with their event's columns.
    private sealed class Rows
    {
        private readonly List<Guid> _ids = [];
        private readonly List<long> _revisions = [];
        private readonly List<DateOnly> _dates = [];
        private readonly List<string> _headlines = [], _slugs = [], _paths = [], _editions = [], _statuses = [], _states = [], _types = [];
        private readonly List<string?> _editors = [], _reasons = [];
        private readonly List<DateTimeOffset> _edited = [], _recorded = [], _eventEdited = [];

        public void Add(NewsItem state, ProjectedEvent stored, string json, INewsItemEvent? e)
        {
            _ids.Add(state.Id);
            _revisions.Add(state.Revision);
            _dates.Add(state.Date);
            _headlines.Add(state.Headline);
            _slugs.Add(state.Slug);
            _paths.Add(state.Path);
            _editions.Add(state.Edition);
            _statuses.Add(state.Status.ToString());
            _edited.Add(state.EditedAt);
            _recorded.Add(stored.Timestamp);
            _states.Add(json);
            if (e is null) return;
            _types.Add(stored.Type);
            _editors.Add(stored.UserName);
            _reasons.Add(e.Reason);
            _eventEdited.Add(e.EditedAt);
        }

        /// The items' current rows, as of their last event in the batch.
        public NpgsqlBatchCommand Upsert()
        {
            var upsert = Command(
                """
                insert into eh_items (id, revision, date, headline, slug, path, edition, status, edited_at, recorded_at, state)
                select * from unnest(@id, @rev, @date, @headline, @slug, @path, @edition, @status, @edited, @recorded, @state)
                on conflict (id) do update set revision = excluded.revision, date = excluded.date,
                    headline = excluded.headline, slug = excluded.slug, path = excluded.path, edition = excluded.edition,
                    status = excluded.status, edited_at = excluded.edited_at, recorded_at = excluded.recorded_at,
                    state = excluded.state
                """);
            upsert.Parameters.AddWithValue("date", _dates.ToArray());
            upsert.Parameters.AddWithValue("slug", _slugs.ToArray());
            upsert.Parameters.AddWithValue("path", _paths.ToArray());
            upsert.Parameters.AddWithValue("edition", _editions.ToArray());
            upsert.Parameters.AddWithValue("status", _statuses.ToArray());
            return upsert;
        }

        /// One row per revision; the state is parsed once, by unnest, for both its column and its size.
        public NpgsqlBatchCommand Insert()
        {
            var insert = Command(
                $"""
                insert into eh_item_revisions (item_id, revision, event_type, headline, edited_at, recorded_at, editor, reason, state, event_edited_at, content_size)
                select r.id, r.rev, r.type, r.headline, r.edited, r.recorded, r.editor, r.reason, r.state, r.event_edited, {GetHistoryPage.ContentSize("r.state")}
                from unnest(@id, @rev, @type, @headline, @edited, @recorded, @editor, @reason, @state, @eventEdited)
                    as r(id, rev, type, headline, edited, recorded, editor, reason, state, event_edited)
                """);
            insert.Parameters.AddWithValue("type", NpgsqlDbType.Array | NpgsqlDbType.Varchar, _types.ToArray());
            insert.Parameters.AddWithValue("editor", NpgsqlDbType.Array | NpgsqlDbType.Varchar, _editors.ToArray());
            insert.Parameters.AddWithValue("reason", NpgsqlDbType.Array | NpgsqlDbType.Text, _reasons.ToArray());
            insert.Parameters.AddWithValue("eventEdited", _eventEdited.ToArray());
            return insert;
        }

        private NpgsqlBatchCommand Command(string sql)
        {
            var cmd = new NpgsqlBatchCommand(sql);
            cmd.Parameters.AddWithValue("id", _ids.ToArray());
            cmd.Parameters.AddWithValue("rev", _revisions.ToArray());
            cmd.Parameters.AddWithValue("headline", _headlines.ToArray());
            cmd.Parameters.AddWithValue("edited", _edited.ToArray());
            cmd.Parameters.AddWithValue("recorded", _recorded.ToArray());
            cmd.Parameters.AddWithValue("state", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, _states.ToArray());
            return cmd;
        }
    }
}
