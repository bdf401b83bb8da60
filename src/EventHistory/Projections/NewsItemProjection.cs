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
    public async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<StoredEvent> events, object? stateBefore, CancellationToken ct)
    {
        var states = new Dictionary<Guid, NewsItem>();
        if (stateBefore is NewsItem before && events.Count > 0 && before.Id == events[0].StreamId && before.Revision == events[0].Version - 1)
            states[before.Id] = before;
        foreach (var stored in events)
        {
            if (stored.Data is not INewsItemEvent e) continue;
            var previous = states.TryGetValue(stored.StreamId, out var known) ? known
                : e is NewsItemCreated ? null : await NewsItemRows.LoadCurrentAsync(conn, tx, stored.StreamId, ct);
            var state = previous is null ? NewsItem.Create((NewsItemCreated)e) : previous.Apply(e);
            states[stored.StreamId] = state;
            await WriteAsync(conn, tx, state, stored, e, ct);
        }
    }

    private static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, NewsItem state, StoredEvent stored, INewsItemEvent e, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(state, EventTypes.Json);
        await using var batch = new NpgsqlBatch(conn, tx);
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
        batch.BatchCommands.Add(upsert);

        var revision = new NpgsqlBatchCommand(
            """
            insert into eh_item_revisions (item_id, revision, event_type, headline, edited_at, recorded_at, editor, reason, state, event_edited_at)
            values (@id, @rev, @type, @headline, @edited, @recorded, @editor, @reason, @state, @eventEdited)
            """);
        AddItemParameters(revision, state, stored, json);
        revision.Parameters.AddWithValue("type", stored.Type);
        revision.Parameters.AddWithValue("editor", NpgsqlDbType.Varchar, (object?)stored.UserName ?? DBNull.Value);
        revision.Parameters.AddWithValue("reason", NpgsqlDbType.Text, (object?)e.Reason ?? DBNull.Value);
        revision.Parameters.AddWithValue("eventEdited", e.EditedAt);
        batch.BatchCommands.Add(revision);

        foreach (var known in PathsOf(state, e))
        {
            var path = new NpgsqlBatchCommand(
                "insert into eh_item_paths (path, item_id, first_revision) values (@path, @id, @rev) on conflict (path) do nothing");
            path.Parameters.AddWithValue("path", known);
            path.Parameters.AddWithValue("id", state.Id);
            path.Parameters.AddWithValue("rev", state.Revision);
            batch.BatchCommands.Add(path);
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// The item's own path, and the paths a page names (Changes entries, old slug files), so a page
    /// arriving later finds its item by any of them.
    private static IEnumerable<string> PathsOf(NewsItem state, INewsItemEvent e) => e switch
    {
        PagePublished p => [state.Path, p.Page.Path, .. p.Page.Changes.Select(c => c.Path)],
        EarlierPageFound f => [state.Path, f.Page.Path],
        EarlierVersionFound v => [state.Path, v.Path],
        _ => [state.Path],
    };

    private static void AddItemParameters(NpgsqlBatchCommand cmd, NewsItem state, StoredEvent stored, string json)
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
