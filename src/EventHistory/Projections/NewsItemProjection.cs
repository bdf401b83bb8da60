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
    // Two statements whatever the number of events (the rows as arrays through unnest): an import
    // batch of 200 pages would otherwise send one statement per event and table, and PostgreSQL's
    // cost per statement, not per row, was most of an import's time. The state is written by
    // NewsItemRows.Serialize: unescaped, as jsonb stores it, and without what is computed from it.
    public async ValueTask<IReadOnlyList<NpgsqlBatchCommand>> ProjectAsync(ProjectionInput input, CancellationToken ct)
    {
        var states = await StatesBeforeAsync(input, ct);
        var rows = new Rows();
        var paths = new Dictionary<string, (Guid Item, long Revision)>(StringComparer.Ordinal);
        // A batch may hold many events of one stream (an import): its current row is written once, last.
        var latest = new Dictionary<Guid, NewsItem>();
        foreach (var projected in input.Events)
        {
            if (projected.Data is not INewsItemEvent e) continue;
            var previous = states.GetValueOrDefault(projected.StreamId);
            if (e is not NewsItemCreated && previous?.Revision != projected.Version - 1)
                throw new ConcurrencyException(projected.StreamId, projected.Version - 1, previous?.Revision ?? 0);
            var state = previous is null ? NewsItem.Create((NewsItemCreated)e) : previous.Apply(e);
            states[projected.StreamId] = state;
            rows.AddRevision(state, projected, NewsItemRows.Serialize(state), e);
            // The first revision that names a path keeps it (as the table's "on conflict do nothing" would).
            foreach (var path in state.PathsNamedBy(e)) paths.TryAdd(path, (state.Id, state.Revision));
            latest[projected.StreamId] = state;
        }
        if (latest.Count == 0) return [];
        foreach (var state in latest.Values) rows.AddCurrent(state);
        return [rows.Write(), InsertPaths(paths)];
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

    /// The revision rows as columns, and which of them are the items' current rows.
    private sealed class Rows
    {
        private readonly List<Guid> _ids = [], _currentIds = [];
        private readonly List<long> _revisions = [], _currentRevisions = [];
        private readonly List<DateOnly> _dates = [];
        private readonly List<string> _headlines = [], _slugs = [], _paths = [], _editions = [], _statuses = [], _states = [], _types = [];
        private readonly List<string?> _editors = [], _reasons = [];
        private readonly List<DateTimeOffset> _edited = [], _recorded = [], _eventEdited = [];

        public void AddRevision(NewsItem state, ProjectedEvent stored, string json, INewsItemEvent e)
        {
            _ids.Add(state.Id);
            _revisions.Add(state.Revision);
            _headlines.Add(state.Headline);
            _edited.Add(state.EditedAt);
            _recorded.Add(stored.Timestamp);
            _states.Add(json);
            _types.Add(stored.Type);
            _editors.Add(stored.UserName);
            _reasons.Add(e.Reason);
            _eventEdited.Add(e.EditedAt);
        }

        /// The item's current row is its last revision of the batch, with the columns only it has.
        public void AddCurrent(NewsItem state)
        {
            _currentIds.Add(state.Id);
            _currentRevisions.Add(state.Revision);
            _dates.Add(state.Date);
            _slugs.Add(state.Slug);
            _paths.Add(state.Path);
            _editions.Add(state.Edition);
            _statuses.Add(state.Status.ToString());
        }

        /// One statement: the revision rows, then each item's current row from its last revision's
        /// inserted row. The state, the largest value, is sent and parsed once (by unnest) for its
        /// revision, its size and the current row: an import sent and parsed it twice before.
        public NpgsqlBatchCommand Write()
        {
            var write = new NpgsqlBatchCommand(
                $"""
                with revision as (
                    insert into eh_item_revisions (item_id, revision, event_type, headline, edited_at, recorded_at, editor, reason, state, event_edited_at, content_size)
                    select r.id, r.rev, r.type, r.headline, r.edited, r.recorded, r.editor, r.reason, r.state, r.event_edited, {GetHistoryPage.ContentSize("r.state")}
                    from unnest(@id, @rev, @type, @headline, @edited, @recorded, @editor, @reason, @state, @eventEdited)
                        as r(id, rev, type, headline, edited, recorded, editor, reason, state, event_edited)
                    returning item_id, revision, headline, edited_at, recorded_at, state)
                insert into eh_items (id, revision, date, headline, slug, path, edition, status, edited_at, recorded_at, state)
                select c.id, c.rev, c.date, r.headline, c.slug, c.path, c.edition, c.status, r.edited_at, r.recorded_at, r.state
                from unnest(@currentId, @currentRev, @date, @slug, @path, @edition, @status) as c(id, rev, date, slug, path, edition, status)
                join revision r on r.item_id = c.id and r.revision = c.rev
                on conflict (id) do update set revision = excluded.revision, date = excluded.date,
                    headline = excluded.headline, slug = excluded.slug, path = excluded.path, edition = excluded.edition,
                    status = excluded.status, edited_at = excluded.edited_at, recorded_at = excluded.recorded_at,
                    state = excluded.state
                """);
            var p = write.Parameters;
            p.AddWithValue("id", _ids.ToArray());
            p.AddWithValue("rev", _revisions.ToArray());
            p.AddWithValue("type", NpgsqlDbType.Array | NpgsqlDbType.Varchar, _types.ToArray());
            p.AddWithValue("headline", _headlines.ToArray());
            p.AddWithValue("edited", _edited.ToArray());
            p.AddWithValue("recorded", _recorded.ToArray());
            p.AddWithValue("editor", NpgsqlDbType.Array | NpgsqlDbType.Varchar, _editors.ToArray());
            p.AddWithValue("reason", NpgsqlDbType.Array | NpgsqlDbType.Text, _reasons.ToArray());
            p.AddWithValue("state", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, _states.ToArray());
            p.AddWithValue("eventEdited", _eventEdited.ToArray());
            p.AddWithValue("currentId", _currentIds.ToArray());
            p.AddWithValue("currentRev", _currentRevisions.ToArray());
            p.AddWithValue("date", _dates.ToArray());
            p.AddWithValue("slug", _slugs.ToArray());
            p.AddWithValue("path", _paths.ToArray());
            p.AddWithValue("edition", _editions.ToArray());
            p.AddWithValue("status", _statuses.ToArray());
            return write;
        }
    }
}
