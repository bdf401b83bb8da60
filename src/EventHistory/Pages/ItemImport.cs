using EventHistory.NewsItems;

namespace EventHistory.Pages;

/// The decisions of an item page import, pure: which events a page adds to an item's history.
public static class ItemImport
{
    /// A new item: its Changes list gives the first version and each update (known only by headline,
    /// path and time), then the page is the current version. Without Changes the page is the first version.
    public static List<INewsItemEvent> Create(Guid id, ItemPage page, DateTimeOffset written, string reason)
    {
        // A page kept verbatim is the item's page as published: the first version holds what could be read.
        if (page.Verbatim is not null && page.Changes.Count == 0)
            return [new NewsItemCreated(id, page.Date, page.Headline, page.Summary, page.Sources, page.CoverImage, page.Topic,
                page.Related, page.Slug, page.Edition, written, reason, PageLayouts.Unseen), new PagePublished(page, written, reason)];
        if (page.Changes.Count == 0)
            return [new NewsItemCreated(id, page.Date, page.Headline, page.Summary, page.Sources, page.CoverImage, page.Topic,
                page.Related, page.Slug, page.Edition, written, reason, page.Layout)];
        var first = page.Changes[0];
        var events = new List<INewsItemEvent>
        {
            new NewsItemCreated(id, page.Date, first.Headline, "", [], null, null, [], SlugOf(first.Path), page.Edition,
                first.EditedAt, reason, PageLayouts.Unseen),
        };
        events.AddRange(page.Changes.Skip(1).Select(c => new HeadlineRevised(c.Headline, SlugOf(c.Path), c.EditedAt, reason)));
        events.Add(new PagePublished(page, written, reason));
        return events;
    }

    /// What a page adds to an item's existing history; nothing when the page is already known.
    public static List<INewsItemEvent> Decide(IReadOnlyList<INewsItemEvent> history, ItemPage page, string text, DateTimeOffset? at, string reason)
    {
        var state = NewsItem.Fold(history);
        if (PageVersions.IsKnown(PageVersions.OfItem(history), page.Path, text, at)) return [];
        var currentSince = history.Last(e => e is not (EarlierPageFound or EarlierVersionFound)).EditedAt;

        if (page.Path == state.Path)
        {
            var written = at ?? PageStreams.DefaultTime(page.Date, page.Changes);
            return written < currentSince
                ? [new EarlierPageFound(page, written, reason)]
                : Update(state, page, text, written, reason);
        }
        if (IsNewer(page, state))
        {
            var paths = KnownPaths(history);
            var events = new List<INewsItemEvent>();
            events.AddRange(page.Changes.Where(c => !paths.Contains(c.Path)).Select(c => new EarlierVersionFound(c.Headline, c.Path, c.EditedAt, reason)));
            events.Add(new PagePublished(page, at ?? PageStreams.DefaultTime(page.Date, page.Changes), reason));
            return events;
        }
        var time = at ?? (page.Changes.Count > 0 ? page.Changes[^1].EditedAt
            : state.Changes.FirstOrDefault(c => c.Path == page.Path)?.EditedAt ?? PageStreams.DefaultTime(page.Date, []));
        return [new EarlierPageFound(page, time, reason)];
    }

    /// A page at another path is newer than the item's current version when it lists the current path
    /// among its earlier versions, or knows more of them.
    private static bool IsNewer(ItemPage page, NewsItem state) =>
        page.Changes.Any(c => c.Path == state.Path) ||
        (!state.Changes.Any(c => c.Path == page.Path) && page.Changes.Count > state.Changes.Count);

    /// A newer snapshot of the current page: only what changed, in the events an editor would have
    /// appended; a change of layout or Changes list (or an order those events cannot express) is a whole page.
    private static List<INewsItemEvent> Update(NewsItem state, ItemPage page, string text, DateTimeOffset t, string reason)
    {
        List<INewsItemEvent> whole = [new PagePublished(page, t, reason)];
        if (!state.HasPage || state.Page.Layout != page.Layout) return whole;
        var events = new List<INewsItemEvent>();
        if (state.Headline != page.Headline) events.Add(new HeadlineRevised(page.Headline, page.Slug, t, reason));
        if (state.Summary != page.Summary) events.Add(new SummaryRevised(page.Summary, t, reason));
        if (state.CoverImage != page.CoverImage) events.Add(new CoverImageChanged(page.CoverImage, t, reason));
        if (state.Topic != page.Topic) events.Add(new TopicChanged(page.Topic, t, reason));
        events.AddRange(state.Sources.Where(s => !page.Sources.Contains(s)).Select(s => s.Url).Distinct()
            .Select(url => new SourceRemoved(url, t, reason)));
        var keptSources = state.Sources.Where(s => page.Sources.Any(n => n.Url == s.Url) && page.Sources.Contains(s)).ToList();
        events.AddRange(page.Sources.Where(s => !keptSources.Contains(s)).Select(s => new SourceAdded(s, t, reason)));
        events.AddRange(state.Related.Where(r => !page.Related.Contains(r)).Select(r => r.Path).Distinct()
            .Select(path => new RelatedItemUnlinked(path, t, reason)));
        var keptRelated = state.Related.Where(page.Related.Contains).ToList();
        events.AddRange(page.Related.Where(r => !keptRelated.Contains(r)).Select(r => new RelatedItemLinked(r, t, reason)));

        var after = events.Aggregate(state, (s, e) => s.Apply(e)) with { Changes = page.Changes };
        if (events.Count == 0 || ItemPageRenderer.Render(after.Page) != text || PageChangesDiffer(state, page)) return whole;
        return events;
    }

    private static bool PageChangesDiffer(NewsItem state, ItemPage page) =>
        ItemPageRenderer.Render(state.Page with { Changes = page.Changes }) != ItemPageRenderer.Render(state.Page);

    private static HashSet<string> KnownPaths(IEnumerable<INewsItemEvent> history)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        NewsItem? state = null;
        foreach (var e in history)
        {
            state = state is null ? NewsItem.Create((NewsItemCreated)e) : state.Apply(e);
            paths.Add(state.Path);
            paths.UnionWith(state.Changes.Select(c => c.Path));
            if (e is EarlierPageFound f) paths.Add(f.Page.Path);
            if (e is EarlierVersionFound v) paths.Add(v.Path);
        }
        return paths;
    }

    public static string SlugOf(string path) => PagePaths.Split(path)?.File ?? throw new PageFormatException(0, $"'{path}' is not a page path");
}
