using System.Security.Cryptography;
using System.Text;
using EventHistory.EventStore;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using Npgsql;

namespace EventHistory.Pages;

/// What importing one page did. Appended is 0 when the page was already known.
public sealed record ImportOutcome(string Path, Guid StreamId, bool NewItem, int Appended);

/// Turns a page into history: finds its item by any path it shares with it (its own or one in its
/// Changes list), decides what the page adds, and appends that in one transaction, or nothing.
public sealed class PageImporter(EventStore.EventStore store, EditorContext editor)
{
    public async Task<ImportOutcome> ImportAsync(string path, string text, DateTimeOffset? at, CancellationToken ct)
    {
        var editorName = editor.Editor ?? throw new EditRejectedException("Importing pages needs an authenticated editor.");
        var split = PagePaths.Split(path) ?? throw new PageFormatException(0, $"'{path}' is not a page path /news/YYYY/MM/D/SLUG.md");
        var metadata = new EventMetadata(editorName, editor.CorrelationId, null, CommandId(path, text, at));
        if (split.File == "index") return await ImportDayAsync(DayPageFormat.Parse(path, text), text, at, metadata, ct);
        var page = ItemPageParser.Parse(path, text);
        if (at is { } snapshot && page.Changes.Count > 0 && snapshot < page.Changes[^1].EditedAt)
            throw new PageFormatException(0, $"the snapshot time {snapshot:u} is before the page's last Changes entry");
        foreach (var change in page.Changes)
            if (PagePaths.Split(change.Path) is not { } c || c.Edition != page.Edition || c.Date != page.Date)
                throw new PageFormatException(0, $"the Changes entry '{change.Path}' is not a page of the same day");
        try
        {
            return await ImportItemAsync(page, text, at, metadata, ct);
        }
        catch (ConcurrencyException)
        {
            // Someone appended to the item meanwhile: decide again on what is there now.
            return await ImportItemAsync(page, text, at, metadata, ct);
        }
    }

    private async Task<ImportOutcome> ImportItemAsync(ItemPage page, string text, DateTimeOffset? at, EventMetadata metadata, CancellationToken ct)
    {
        var items = await ItemsAtAsync([page.Path, .. page.Changes.Select(c => c.Path)], ct);
        if (items.Count > 1)
            throw new PageFormatException(0, $"the page's paths belong to {items.Count} different items ({string.Join(", ", items)})");
        var reason = $"imported from {page.Path}";
        if (items.Count == 0)
        {
            var id = PageStreams.ItemId(page.Changes.Count > 0 ? page.Changes[0].Path : page.Path);
            var created = ItemImport.Create(id, page, at ?? PageStreams.DefaultTime(page.Date, page.Changes), reason);
            var result = await store.AppendAsync(id, NewsItemEventTypes.StreamType, 0, created, metadata, ct);
            return new ImportOutcome(page.Path, id, !result.Duplicate, result.Duplicate ? 0 : created.Count);
        }
        var history = (await store.ReadStreamAsync(items[0], ct)).Select(e => (INewsItemEvent)e.Data).ToList();
        var events = ItemImport.Decide(history, page, text, at, reason);
        if (events.Count == 0) return new ImportOutcome(page.Path, items[0], false, 0);
        // The state the history folds to is the projection's state before these events: it need not read it.
        var appended = await store.AppendAsync(items[0], NewsItemEventTypes.StreamType, history.Count, events, metadata, NewsItem.Fold(history), ct);
        return new ImportOutcome(page.Path, items[0], false, appended.Duplicate ? 0 : events.Count);
    }

    private async Task<ImportOutcome> ImportDayAsync(DayPage page, string text, DateTimeOffset? at, EventMetadata metadata, CancellationToken ct)
    {
        var id = PageStreams.DayPageId(page.Path);
        var history = await store.ReadStreamAsync(id, ct);
        if (history.Any(e => e.Data is DayPagePublished p && DayPageFormat.Render(p.Page) == text))
            return new ImportOutcome(page.Path, id, false, 0);
        var published = new DayPagePublished(page, at ?? PageStreams.DefaultTime(page.Date, []), $"imported from {page.Path}");
        var done = await store.AppendAsync(id, PageStreams.DayPageType, history.Count, [published], metadata, ct);
        return new ImportOutcome(page.Path, id, false, done.Duplicate ? 0 : 1);
    }

    private async Task<List<Guid>> ItemsAtAsync(string[] paths, CancellationToken ct)
    {
        await using var cmd = store.DataSource.CreateCommand("select distinct item_id from eh_item_paths where path = any(@paths)");
        cmd.Parameters.AddWithValue("paths", paths);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    /// The same page (path, time, bytes) is one command: a retried import appends nothing twice.
    private static string CommandId(string path, string text, DateTimeOffset? at) =>
        "page:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{path}\n{at:O}\n{text}")));
}
