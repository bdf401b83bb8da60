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
    public async ValueTask<IReadOnlyList<NpgsqlBatchCommand>> ProjectAsync(ProjectionInput input, CancellationToken ct)
    {
        var states = await StatesBeforeAsync(input, ct);
        var writes = new List<NpgsqlBatchCommand>();
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
            latest[projected.StreamId] = (state, projected, WriteRevision(writes, state, projected, e));
        }
        foreach (var (state, projected, json) in latest.Values) writes.Add(Current(state, projected, json));
        return writes;
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

    /// The item's current row, as of its last event in the batch.
    private static NpgsqlBatchCommand Current(NewsItem state, ProjectedEvent stored, string json)
    {
        var upsert = new NpgsqlBatchCommand(
            """
            insert into eh_items (id, revision, date, headline, slug, path, edition, status, edited_at, recorded_at, state)
            values (@id, @rev, @date, @headline, @slug, @path, @edition, @status, @edited, @recorded, @state)
            on conflict (id) do update set revision = excluded.revision, date = excluded.date,
                headline = excluded.headline, slug = excluded.slug, path = excluded.path, edition = excluded.edition,
                status = excluded.status, edited_at = excluded.edited_at, recorded_at = excluded.recorded_at,
                state = excluded.state
            """);
        AddItemParameters(upsert, state, stored, json);
        return upsert;
    }

    /// The revision's row and the paths the event names; answers the state's JSON.
    private static string WriteRevision(List<NpgsqlBatchCommand> writes, NewsItem state, ProjectedEvent stored, INewsItemEvent e)
    {
        var json = JsonSerializer.Serialize(state, EventTypes.Json);
        var revision = new NpgsqlBatchCommand(
            $"""
            insert into eh_item_revisions (item_id, revision, event_type, headline, edited_at, recorded_at, editor, reason, state, event_edited_at, content_size)
            values (@id, @rev, @type, @headline, @edited, @recorded, @editor, @reason, @state, @eventEdited, {GetHistoryPage.ContentSize("@state::jsonb")})
            """);
        AddItemParameters(revision, state, stored, json);
        revision.Parameters.AddWithValue("type", stored.Type);
        revision.Parameters.AddWithValue("editor", NpgsqlDbType.Varchar, (object?)stored.UserName ?? DBNull.Value);
        revision.Parameters.AddWithValue("reason", NpgsqlDbType.Text, (object?)e.Reason ?? DBNull.Value);
        revision.Parameters.AddWithValue("eventEdited", e.EditedAt);
        writes.Add(revision);

        var paths = state.PathsNamedBy(e).Distinct().ToArray();
        var path = new NpgsqlBatchCommand(
            "insert into eh_item_paths (path, item_id, first_revision) select unnest(@paths), @id, @rev on conflict (path) do nothing");
        path.Parameters.AddWithValue("paths", paths);
        path.Parameters.AddWithValue("id", state.Id);
        path.Parameters.AddWithValue("rev", state.Revision);
        writes.Add(path);
        return json;
    }

    private static void AddItemParameters(NpgsqlBatchCommand cmd, NewsItem state, ProjectedEvent stored, string json)
    {
        cmd.Parameters.AddWithValue("id", state.Id);
        cmd.Parameters.AddWithValue("rev", state.Revision);
        cmd.Parameters.AddWithValue("date", state.Date);
        cmd.Parameters.AddWithValue("headline", state.Headline);
        cmd.Parameters.AddWithValue("slug", state.Slug);
        cmd.Parameters.AddWithValue("path", state.Path);
        cmd.Parameters.AddWithValue("edition", state.Edition);
        cmd.Parameters.AddWithValue("status", state.Status.ToString());
        cmd.Parameters.AddWithValue("edited", state.EditedAt);
        cmd.Parameters.AddWithValue("recorded", stored.Timestamp);
        cmd.Parameters.AddWithValue("state", NpgsqlDbType.Jsonb, json);
    }
}
