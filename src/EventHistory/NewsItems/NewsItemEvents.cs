using EventHistory.EventStore;

namespace EventHistory.NewsItems;

/// Every event carries the edit's own time (EditedAt: for imported history, the time on the
/// page) beside the store's recorded timestamp, and the editor's reason when one was given.
public interface INewsItemEvent
{
    DateTimeOffset EditedAt { get; }
    string? Reason { get; }
}

/// An event another feature appends to the item's stream (a captured source text): a revision of the
/// item's history that leaves its content as it was. The item need not know the feature to fold it.
public interface INewsItemAttachment : INewsItemEvent
{
}

/// The first version.
public sealed record NewsItemCreated(
    Guid ItemId, DateOnly Date, string Headline, string Summary, IReadOnlyList<Source> Sources,
    string? CoverImage, string? Topic, IReadOnlyList<RelatedItem> Related, string Slug, string Edition,
    DateTimeOffset EditedAt, string? Reason = null, string? Layout = null) : INewsItemEvent;

public sealed record HeadlineRevised(string Headline, string Slug, DateTimeOffset EditedAt, string? Reason = null) : INewsItemEvent;
public sealed record SummaryRevised(string Summary, DateTimeOffset EditedAt, string? Reason = null) : INewsItemEvent;
public sealed record SourceAdded(Source Source, DateTimeOffset EditedAt, string? Reason = null) : INewsItemEvent;
public sealed record SourceRemoved(string Url, DateTimeOffset EditedAt, string? Reason = null) : INewsItemEvent;
public sealed record CoverImageChanged(string? CoverImage, DateTimeOffset EditedAt, string? Reason = null) : INewsItemEvent;
public sealed record TopicChanged(string? Topic, DateTimeOffset EditedAt, string? Reason = null) : INewsItemEvent;
public sealed record RelatedItemLinked(RelatedItem Item, DateTimeOffset EditedAt, string? Reason = null) : INewsItemEvent;
public sealed record RelatedItemUnlinked(string Path, DateTimeOffset EditedAt, string? Reason = null) : INewsItemEvent;
public sealed record NewsItemRetracted(DateTimeOffset EditedAt, string? Reason) : INewsItemEvent;
public sealed record NewsItemRestored(DateTimeOffset EditedAt, string? Reason) : INewsItemEvent;

/// A new revision that restores the content of revision <see cref="ToRevision"/>; nothing is erased.
public sealed record NewsItemReverted(
    long ToRevision, string Headline, string Slug, string Summary, IReadOnlyList<Source> Sources,
    string? CoverImage, string? Topic, IReadOnlyList<RelatedItem> Related,
    DateTimeOffset EditedAt, string? Reason = null) : INewsItemEvent;

/// The site published the item's page: the whole version it showed, its layout and its Changes list.
public sealed record PagePublished(ItemPage Page, DateTimeOffset EditedAt, string? Reason = null) : INewsItemEvent;

/// An old slug file: the item's page as it stood when last written at an earlier path (or an older
/// snapshot of a page). History about an earlier revision learned later; the current version stays.
public sealed record EarlierPageFound(ItemPage Page, DateTimeOffset EditedAt, string? Reason = null) : INewsItemEvent;

/// A version another page's Changes list shows that this history did not have yet; the current version stays.
public sealed record EarlierVersionFound(string Headline, string Path, DateTimeOffset EditedAt, string? Reason = null) : INewsItemEvent;

/// A page file of the item left the site (a history import saw it deleted): an old slug file
/// moving away, or the item's own page, the item leaving the site. The content stays as it was.
public sealed record PageFileDeleted(string Path, DateTimeOffset EditedAt, string? Reason = null) : INewsItemEvent;

public static class NewsItemEventTypes
{
    public const string StreamType = "news_item";

    /// The stored names: fixed forever (EventTypeNamesTests pins them). A class may be renamed freely.
    /// The other features register their own (DomainEventTypes gathers them all).
    public static EventTypes Register(EventTypes types) => types
        .RegisterStream<NewsItem>(StreamType)
        .Register<NewsItemCreated>("news_item_created")
        .Register<HeadlineRevised>("headline_revised")
        .Register<SummaryRevised>("summary_revised")
        .Register<SourceAdded>("source_added")
        .Register<SourceRemoved>("source_removed")
        .Register<CoverImageChanged>("cover_image_changed")
        .Register<TopicChanged>("topic_changed")
        .Register<RelatedItemLinked>("related_item_linked")
        .Register<RelatedItemUnlinked>("related_item_unlinked")
        .Register<NewsItemRetracted>("news_item_retracted")
        .Register<NewsItemRestored>("news_item_restored")
        .Register<NewsItemReverted>("news_item_reverted")
        .Register<PagePublished>("page_published")
        .Register<EarlierPageFound>("earlier_page_found")
        .Register<EarlierVersionFound>("earlier_version_found")
        .Register<PageFileDeleted>("page_file_deleted");
}
