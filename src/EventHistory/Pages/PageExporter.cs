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
        // Per path, the version in force: the last written (as of the time), a deletion included.
        var latest = new Dictionary<string, FileVersion>(StringComparer.Ordinal);
        void Offer(IEnumerable<FileVersion> versions)
        {
            foreach (var v in versions)
            {
                if (!v.Listed || (asOf is { } limit && v.WrittenAt > limit)) continue;
                if (latest.TryGetValue(v.Path, out var known) && known.WrittenAt > v.WrittenAt) continue;
                latest[v.Path] = v;
            }
        }

        var stream = Guid.Empty;
        var items = new List<INewsItemEvent>();
        var days = new List<object>();
        void Flush()
        {
            Offer(PageVersions.OfItem(items));
            Offer(PageVersions.OfDay(days));
            items.Clear();
            days.Clear();
        }
        await foreach (var stored in store.ReadStreamsOfTypesAsync([NewsItemEventTypes.StreamType, PageStreams.DayPageType], ct))
        {
            if (stored.StreamId != stream) { Flush(); stream = stored.StreamId; }
            if (stored.Data is INewsItemEvent e) items.Add(e);
            else days.Add(stored.Data);
        }
        Flush();
        return [.. latest.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Value.Text() is { } text ? new ExportedPage(p.Key, text) : null).OfType<ExportedPage>()];
    }
}
