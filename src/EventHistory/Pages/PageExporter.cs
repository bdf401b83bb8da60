using EventHistory.NewsItems;

namespace EventHistory.Pages;

/// A page as the site would serve it: its path (/news/... or /zh/news/...) and its exact text.
public sealed record ExportedPage(string Path, string Text);

/// Renders every page from history, like the real site: each item's page at its current path, every
/// older path's page as it stood when last written there, and every day page; as of a time if given.
public sealed class PageExporter(EventStore.EventStore store)
{
    public async Task<List<ExportedPage>> ExportAsync(DateTimeOffset? asOf, CancellationToken ct)
    {
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
        await foreach (var stored in store.ReadStreamsOfTypesAsync([NewsItemEventTypes.StreamType, PageStreams.DayPageType], ct))
        {
            if (stored.StreamId != stream) { Flush(); stream = stored.StreamId; }
            if (stored.Data is DayPagePublished day) Offer(day.Page.Path, day.EditedAt, () => DayPageFormat.Render(day.Page));
            else if (stored.Data is INewsItemEvent e) history.Add(e);
        }
        Flush();
        return latest.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new ExportedPage(p.Key, p.Value.Text)).ToList();
    }
}
