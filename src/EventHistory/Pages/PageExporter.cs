using EventHistory.NewsItems;
using Npgsql;

namespace EventHistory.Pages;

/// A page as the site would serve it: its path (/news/... or /zh/news/...) and its exact text.
public sealed record ExportedPage(string Path, string Text);

/// Renders every page from history, like the real site: each item's page at its current path, every
/// older path's page as it stood when last written there, and every day page; as of a time if given.
public sealed class PageExporter(EventStore.EventStore store)
{
    public async Task<List<ExportedPage>> ExportAsync(DateTimeOffset? asOf, CancellationToken ct)
    {
        await using var cmd = store.DataSource.CreateCommand(
            """
            select e.seq_id, e.id, e.stream_id, e.version, e.type, e.data::text, e.timestamp, e.user_name,
                   e.correlation_id, e.causation_id, e.headers::text
            from mt_events e join mt_streams s on s.id = e.stream_id
            where s.type in (@items, @days) and not s.is_archived
            order by e.stream_id, e.version
            """);
        cmd.Parameters.AddWithValue("items", NewsItemEventTypes.StreamType);
        cmd.Parameters.AddWithValue("days", PageStreams.DayPageType);
        var latest = new Dictionary<string, (DateTimeOffset WrittenAt, string Text)>(StringComparer.Ordinal);
        void Offer(string path, DateTimeOffset writtenAt, Func<string> render)
        {
            if (asOf is { } limit && writtenAt > limit) return;
            if (latest.TryGetValue(path, out var known) && known.WrittenAt > writtenAt) return;
            latest[path] = (writtenAt, render());
        }

        var stream = Guid.Empty;
        var history = new List<INewsItemEvent>();
        void Flush()
        {
            foreach (var (page, writtenAt, state) in ItemImport.KnownPages(history))
                if (state is null || state.Status == ItemStatus.Published) Offer(page.Path, writtenAt, () => ItemPageRenderer.Render(page));
            history.Clear();
        }
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var stored = store.ReadEvent(reader);
                if (stored.StreamId != stream) { Flush(); stream = stored.StreamId; }
                if (stored.Data is DayPagePublished day) Offer(day.Page.Path, day.EditedAt, () => DayPageFormat.Render(day.Page));
                else if (stored.Data is INewsItemEvent e) history.Add(e);
            }
        }
        Flush();
        return latest.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new ExportedPage(p.Key, p.Value.Text)).ToList();
    }
}
