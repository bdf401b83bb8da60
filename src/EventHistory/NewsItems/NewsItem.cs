namespace EventHistory.NewsItems;

public sealed record Source(string Name, string Url, string? Image = null);

/// A related item as the page showed it: the linked headline and path as they were when the page
/// was generated, and the context text verbatim (history too, so never normalized).
public sealed record RelatedItem(string Headline, string Path, string Context);

public enum ItemStatus { Published, Retracted }

/// The state of a news item at one revision, folded from its events.
public sealed record NewsItem(
    Guid Id,
    long Revision,
    DateOnly Date,
    string Headline,
    string Summary,
    IReadOnlyList<Source> Sources,
    string? CoverImage,
    string? Topic,
    IReadOnlyList<RelatedItem> Related,
    string Slug,
    string Edition,
    ItemStatus Status,
    DateTimeOffset EditedAt)
{
    public string Path => ItemPaths.ItemPath(Edition, Date, Slug);

    // The page facts: what the item's page needs beyond its content (the layout it came in, the
    // Changes list). The item's own events set them and its stored state holds them, in this order
    // (StoredJsonTests pins the JSON), so they are declared with the item. The state is stored
    // without Path, HasPage and Page, which are computed (NewsItemRows.Serialize).
    /// The generator version of the item's page; null for items made through commands (the edition's default).
    public string? Layout { get; init; }

    /// Earlier versions as the page's Changes list shows them.
    public IReadOnlyList<PageChange> Changes { get; init; } = [];

    /// When the version with the current slug was first written (the time a Changes entry shows).
    public DateTimeOffset SlugSince { get; init; }

    /// The exact text of the current page when no known layout read it (a history import kept it);
    /// any edit of the content renders the page anew, in the edition's layout.
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Verbatim { get; init; }

    /// False for a version known only from another page's Changes list.
    public bool HasPage => Layout != PageLayouts.Unseen;

    public ItemPage Page => new(Edition, Date, Slug,
        Layout is null || (Layout == PageLayouts.Unknown && Verbatim is null) ? PageLayouts.DefaultFor(Edition) : Layout,
        Headline, Summary, Sources, CoverImage, Topic, Related, Changes) { Verbatim = Verbatim };

    public static NewsItem Create(NewsItemCreated e) => new(
        e.ItemId, 1, e.Date, e.Headline, e.Summary, e.Sources, e.CoverImage, e.Topic, e.Related, e.Slug,
        e.Edition, ItemStatus.Published, e.EditedAt) { Layout = e.Layout, SlugSince = e.EditedAt };

    public NewsItem Apply(INewsItemEvent e) => WithPageFacts(e, (e switch
    {
        NewsItemCreated c => Create(c),
        HeadlineRevised h => this with { Headline = h.Headline, Slug = h.Slug },
        SummaryRevised s => this with { Summary = s.Summary },
        SourceAdded a => this with { Sources = [.. Sources, a.Source] },
        SourceRemoved r => this with { Sources = [.. Sources.Where(s => s.Url != r.Url)] },
        CoverImageChanged c => this with { CoverImage = c.CoverImage },
        TopicChanged t => this with { Topic = t.Topic },
        RelatedItemLinked l => this with { Related = [.. Related.Where(r => r.Path != l.Item.Path), l.Item] },
        RelatedItemUnlinked u => this with { Related = [.. Related.Where(r => r.Path != u.Path)] },
        NewsItemRetracted => this with { Status = ItemStatus.Retracted },
        NewsItemRestored => this with { Status = ItemStatus.Published },
        NewsItemReverted v => this with
        {
            Headline = v.Headline, Slug = v.Slug, Summary = v.Summary, Sources = v.Sources,
            CoverImage = v.CoverImage, Topic = v.Topic, Related = v.Related,
        },
        INewsItemAttachment => this,
        PagePublished p => FromPage(p.Page),
        EarlierPageFound or EarlierVersionFound or PageFileDeleted => this,
        _ => throw new InvalidOperationException($"No way to apply {e.GetType().Name}."),
    }) with
    {
        Revision = e is NewsItemCreated ? 1 : Revision + 1, EditedAt = EditClock(e),
        Verbatim = e switch
        {
            PagePublished p => p.Page.Verbatim,
            EarlierPageFound or EarlierVersionFound or PageFileDeleted or INewsItemAttachment => Verbatim,
            _ => null,
        },
    });

    /// The edit clock of a revision never goes back: a fact about the past learned later (an old
    /// page found, a capture dated earlier) changes nothing that was in force then, so as-of reads
    /// by edit time must keep showing what they showed. The event keeps its own time.
    private DateTimeOffset EditClock(INewsItemEvent e) =>
        e is NewsItemCreated || e.EditedAt > EditedAt ? e.EditedAt : EditedAt;

    /// Events that record history learned later; they leave the current version as it was.
    public static bool IsAboutThePast(string eventType) => eventType is "earlier_page_found" or "earlier_version_found";

    /// The item's own path after <paramref name="e"/> (this state), and the paths its page names
    /// (Changes entries, old slug files), so a page arriving later finds the item by any of them.
    public IEnumerable<string> PathsNamedBy(INewsItemEvent e) => e switch
    {
        PagePublished p => [Path, p.Page.Path, .. p.Page.Changes.Select(c => c.Path)],
        EarlierPageFound f => [Path, f.Page.Path],
        EarlierVersionFound v => [Path, v.Path],
        _ => [Path],
    };

    public static NewsItem Fold(IEnumerable<INewsItemEvent> events)
    {
        NewsItem? state = null;
        foreach (var e in events) state = state is null ? Create((NewsItemCreated)e) : state.Apply(e);
        return state ?? throw new InvalidOperationException("A news item starts with NewsItemCreated.");
    }

    private NewsItem FromPage(ItemPage page) => this with
    {
        Headline = page.Headline, Slug = page.Slug, Summary = page.Summary, Sources = page.Sources,
        CoverImage = page.CoverImage, Topic = page.Topic, Related = page.Related,
    };

    /// A page states its own Changes list; any other new slug adds the version it replaces, as the site did.
    private NewsItem WithPageFacts(INewsItemEvent e, NewsItem next) => e switch
    {
        NewsItemCreated => next,
        PagePublished p => next with
        {
            Layout = p.Page.Layout, Changes = p.Page.Changes, SlugSince = next.Slug != Slug ? e.EditedAt : SlugSince,
        },
        EarlierPageFound or EarlierVersionFound or PageFileDeleted => next,
        _ when next.Slug != Slug => next with { Changes = [.. Changes, new PageChange(Headline, Path, SlugSince)], SlugSince = e.EditedAt },
        _ => next,
    };
}
