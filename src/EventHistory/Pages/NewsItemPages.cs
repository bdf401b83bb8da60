using EventHistory.Pages;

namespace EventHistory.NewsItems;

/// What the item's page needs beyond its content: the layout it came in and the Changes list.
public sealed partial record NewsItem
{
    /// The generator version of the item's page; null for items made through commands (the edition's default).
    public string? Layout { get; init; }

    /// Earlier versions as the page's Changes list shows them.
    public IReadOnlyList<PageChange> Changes { get; init; } = [];

    /// When the version with the current slug was first written (the time a Changes entry shows).
    public DateTimeOffset SlugSince { get; init; }

    /// False for a version known only from another page's Changes list.
    public bool HasPage => Layout != PageLayouts.Unseen;

    public ItemPage Page => new(Edition, Date, Slug, Layout ?? PageLayouts.DefaultFor(Edition), Headline, Summary,
        Sources, CoverImage, Topic, Related, Changes);

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
        EarlierPageFound or EarlierVersionFound => next,
        _ when next.Slug != Slug => next with { Changes = [.. Changes, new PageChange(Headline, Path, SlugSince)], SlugSince = e.EditedAt },
        _ => next,
    };
}
