using EventHistory.EventStore;
using EventHistory.NewsItems;
using Npgsql;

namespace EventHistory.Pages;

/// The working set of one import batch: every stream its pages touch, read in two queries (the
/// paths, then the histories), and the events decided so far, so a later page of the batch sees
/// what an earlier one added (an item's old slug file after its new one, a page edited twice).
internal sealed class ImportBatch
{
    private sealed class Stream(Guid id, string type, List<object> history)
    {
        public Guid Id => id;
        public string Type => type;
        public long StoredVersion { get; } = history.Count;
        public List<object> History { get; } = history;
        public List<object> Pending { get; } = [];
        public List<IReadOnlyDictionary<string, string>?> PendingHeaders { get; } = [];
        public IEnumerable<INewsItemEvent> ItemHistory => History.Cast<INewsItemEvent>();
    }

    private readonly Dictionary<string, Guid> _itemByPath;
    private readonly Dictionary<Guid, Stream> _streams = [];
    private readonly object?[] _parsed;
    private ImportBatch(Dictionary<string, Guid> itemByPath, object?[] parsed)
    {
        _itemByPath = itemByPath;
        _parsed = parsed;
    }

    public static async Task<ImportBatch> LoadAsync(EventStore.EventStore store, IReadOnlyList<PageInput> pages, ImportOptions options, CancellationToken ct)
    {
        // Parse first: the paths a page names find its item.
        // Each page's ItemPage, DayPage or PageFormatException, by its index; null for a deletion.
        var parsed = pages.Select(p => p.Text is { } text ? Parse(p.Path, text, options) : null).ToArray();
        // The parsed pages' paths, normalized (an input may say "zh/news/..."); deletions as given.
        var items = parsed.OfType<ItemPage>().ToList();
        var paths = items.Select(p => p.Path).Concat(items.SelectMany(p => p.Changes.Select(c => c.Path)))
            .Concat(pages.Where(p => p.Text is null).Select(p => p.Path)).Distinct().ToArray();
        var itemByPath = await ItemsAtAsync(store.DataSource, paths, ct);

        var batch = new ImportBatch(itemByPath, parsed);
        var days = parsed.OfType<DayPage>().Select(d => d.Path)
            .Concat(pages.Where(p => p.Text is null && DayPageFiles.NameOf(p.Path) is not null).Select(p => DayPageFiles.IndexPathOf(p.Path)));
        var ids = itemByPath.Values.Concat(days.Select(PageStreams.DayPageId)).ToList();
        foreach (var (id, events) in await store.ReadStreamsAsync(ids, ct))
            batch._streams[id] = new Stream(id, events.Count > 0 && events[0].Data is INewsItemEvent ? NewsItemEventTypes.StreamType : PageStreams.DayPageType,
                [.. events.Select(e => e.Data)]);
        return batch;
    }

    private static object Parse(string path, string text, ImportOptions options)
    {
        try
        {
            _ = PagePaths.Split(path) ?? throw new PageFormatException(0, $"'{path}' is not a page path /news/YYYY/MM/D/SLUG.md");
            var day = DayPageFiles.NameOf(path) is not null;
            // A history keeps what the site served, even in a layout nobody knows yet (verbatim).
            if (options.History)
                return day ? DayPageFormat.ParseHistory(DayPageFiles.IndexPathOf(path), text) : ItemPageParser.ParseHistory(path, text);
            return day ? DayPageFormat.Parse(DayPageFiles.IndexPathOf(path), text) : ItemPageParser.Parse(path, text);
        }
        catch (PageFormatException e)
        {
            return e;
        }
    }

    /// Decides what the batch's page <paramref name="page"/> (at <paramref name="index"/>) adds, and keeps it in the working set.
    public PageResult Decide(PageInput page, int index)
    {
        try
        {
            var fileName = DayPageFiles.NameOf(page.Path);
            if (page.Text is null)
                return new PageResult(page.Path, fileName is null ? DeleteItemFile(page) : DeleteDayFile(page, fileName), null);
            return _parsed[index] switch
            {
                PageFormatException rejected => new PageResult(page.Path, null, rejected),
                DayPage day => new PageResult(page.Path, DecideDay(page, day, fileName!), null) { UnknownLine = day.UnknownLine },
                ItemPage item => new PageResult(page.Path, DecideItem(page, item), null) { UnknownLine = item.UnknownLine },
                _ => throw new InvalidOperationException("unreachable"),
            };
        }
        catch (PageFormatException e)
        {
            return new PageResult(page.Path, null, e);
        }
    }

    /// One append per stream that has new events, at the version the batch read.
    public List<StreamAppend> Appends() =>
        [.. _streams.Values.Where(s => s.Pending.Count > 0).Select(s => new StreamAppend(
            s.Id, s.Type, s.StoredVersion, [.. s.Pending],
            s.StoredVersion > 0 && s.Type == NewsItemEventTypes.StreamType ? NewsItem.Fold(s.ItemHistory.Take((int)s.StoredVersion)) : null,
            EventHeaders: s.PendingHeaders.Any(h => h is not null) ? [.. s.PendingHeaders] : null))];

    private static string Reason(PageInput input, string path) => $"imported from {path}{(input.Origin is { } origin ? " " + origin : "")}";

    private ImportOutcome DecideDay(PageInput input, DayPage page, string fileName)
    {
        var stream = StreamOf(PageStreams.DayPageId(page.Path), PageStreams.DayPageType);
        // The page's own path, normalized as the parser read it (a relative "zh/news/..." included).
        var path = DayPageFiles.PathOf(page.Path, fileName);
        if (PageVersions.IsKnown(PageVersions.OfDay(stream.History), path, input.Text!, input.At))
            return new ImportOutcome(path, stream.Id, false, 0);
        var published = new DayPagePublished(page, input.At ?? PageStreams.DefaultTime(page.Date, []), Reason(input, path))
        {
            FileName = fileName == DayPageFiles.Index ? null : fileName,
        };
        return Add(stream, input, path, [published], false);
    }

    private ImportOutcome DecideItem(PageInput input, ItemPage page)
    {
        var at = input.At;
        if (at is { } snapshot && page.Changes.Count > 0 && snapshot < page.Changes[^1].EditedAt)
            throw new PageFormatException(0, $"the snapshot time {snapshot:u} is before the page's last Changes entry");
        foreach (var change in page.Changes)
            if (PagePaths.Split(change.Path) is not { } c || c.Edition != page.Edition || c.Date != page.Date)
                throw new PageFormatException(0, $"the Changes entry '{change.Path}' is not a page of the same day");

        var items = new[] { page.Path }.Concat(page.Changes.Select(c => c.Path))
            .Where(_itemByPath.ContainsKey).Select(p => _itemByPath[p]).Distinct().ToList();
        if (items.Count > 1)
            throw new PageFormatException(0, $"the page's paths belong to {items.Count} different items ({string.Join(", ", items)})");
        var reason = Reason(input, page.Path);
        if (items.Count == 0)
        {
            var id = PageStreams.ItemId(page.Changes.Count > 0 ? page.Changes[0].Path : page.Path);
            var stream = StreamOf(id, NewsItemEventTypes.StreamType);
            if (stream.History.Count > 0)
                throw new PageFormatException(0, $"item {id} exists but none of the page's paths is known as one of its paths");
            var created = ItemImport.Create(id, page, at ?? PageStreams.DefaultTime(page.Date, page.Changes), reason);
            return Add(stream, input, page.Path, [.. created], true);
        }
        var item = StreamOf(items[0], NewsItemEventTypes.StreamType);
        var events = ItemImport.Decide([.. item.ItemHistory], page, input.Text!, at, reason);
        return Add(item, input, page.Path, [.. events], false);
    }

    private ImportOutcome? DeleteItemFile(PageInput input)
    {
        if (!_itemByPath.TryGetValue(input.Path, out var id)) return null;
        var stream = StreamOf(id, NewsItemEventTypes.StreamType);
        var at = input.At ?? throw new PageFormatException(0, "a deleted page needs the time it was deleted");
        var history = stream.ItemHistory.ToList();
        var versions = PageVersions.OfItem(history).ToList();
        if (PageVersions.InForce(versions, input.Path, at)?.Text() is null) return new ImportOutcome(input.Path, id, false, 0);
        var others = versions.Select(v => v.Path).Distinct().Where(p => p != input.Path && PageVersions.InForce(versions, p, at)?.Text() is not null);
        var what = others.Any() ? "the page file moved away" : "the item left the site";
        return Add(stream, input, input.Path, [new PageFileDeleted(input.Path, at, $"{what}: {input.Path} deleted ({Reason(input, input.Path)})")], false);
    }

    private ImportOutcome? DeleteDayFile(PageInput input, string fileName)
    {
        var id = PageStreams.DayPageId(DayPageFiles.IndexPathOf(input.Path));
        if (!_streams.TryGetValue(id, out var stream)) return null;
        var at = input.At ?? throw new PageFormatException(0, "a deleted page needs the time it was deleted");
        if (PageVersions.InForce(PageVersions.OfDay(stream.History), input.Path, at)?.Text() is null) return new ImportOutcome(input.Path, id, false, 0);
        return Add(stream, input, input.Path, [new DayPageFileDeleted(fileName, at, $"{input.Path} deleted ({Reason(input, input.Path)})")], false);
    }

    private Stream StreamOf(Guid id, string type)
    {
        if (!_streams.TryGetValue(id, out var stream)) _streams[id] = stream = new Stream(id, type, []);
        return stream;
    }

    private ImportOutcome Add(Stream stream, PageInput input, string path, List<object> events, bool newItem)
    {
        if (events.Count == 0) return new ImportOutcome(path, stream.Id, false, 0);
        stream.History.AddRange(events);
        stream.Pending.AddRange(events);
        stream.PendingHeaders.AddRange(events.Select(_ => input.Headers));
        // The paths the new events give the item (as its projection records them) find it for the
        // batch's later pages.
        if (stream.Type == NewsItemEventTypes.StreamType)
        {
            var before = stream.History.Count - events.Count;
            var state = before > 0 ? NewsItem.Fold(stream.ItemHistory.Take(before)) : null;
            foreach (var e in events.Cast<INewsItemEvent>())
            {
                state = state is null ? NewsItem.Create((NewsItemCreated)e) : state.Apply(e);
                foreach (var named in state.PathsNamedBy(e)) _itemByPath.TryAdd(named, stream.Id);
            }
        }
        return new ImportOutcome(path, stream.Id, newItem, events.Count);
    }

    private static async Task<Dictionary<string, Guid>> ItemsAtAsync(NpgsqlDataSource db, string[] paths, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select path, item_id from eh_item_paths where path = any(@paths)");
        cmd.Parameters.AddWithValue("paths", paths);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var items = new Dictionary<string, Guid>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) items[reader.GetString(0)] = reader.GetGuid(1);
        return items;
    }
}
