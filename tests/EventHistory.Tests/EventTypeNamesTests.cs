using EventHistory.EventStore;
using EventHistory.NewsItems;

namespace EventHistory.Tests;

/// Stored event names are the contract with every event ever written: a renamed class must not
/// change them. If this test fails, add an upcaster instead of changing a name.
public sealed class EventTypeNamesTests
{
    private static readonly EventTypes Types = DomainEventTypes.Register(new EventTypes());

    [Fact]
    public void every_event_type_keeps_its_stored_name()
    {
        var names = Types.Events.ToDictionary(e => e.Type.Name, e => e.Name);
        Assert.Equal(new Dictionary<string, string>
        {
            ["NewsItemCreated"] = "news_item_created",
            ["HeadlineRevised"] = "headline_revised",
            ["SummaryRevised"] = "summary_revised",
            ["SourceAdded"] = "source_added",
            ["SourceRemoved"] = "source_removed",
            ["CoverImageChanged"] = "cover_image_changed",
            ["TopicChanged"] = "topic_changed",
            ["RelatedItemLinked"] = "related_item_linked",
            ["RelatedItemUnlinked"] = "related_item_unlinked",
            ["NewsItemRetracted"] = "news_item_retracted",
            ["NewsItemRestored"] = "news_item_restored",
            ["NewsItemReverted"] = "news_item_reverted",
            ["SourceTextCaptured"] = "source_text_captured",
            ["PagePublished"] = "page_published",
            ["EarlierPageFound"] = "earlier_page_found",
            ["EarlierVersionFound"] = "earlier_version_found",
            ["PageFileDeleted"] = "page_file_deleted",
            ["DayPagePublished"] = "day_page_published",
            ["DayPageFileDeleted"] = "day_page_file_deleted",
            ["GitCommitImported"] = "git_commit_imported",
        }, names);
    }

    [Fact]
    public void stream_types_keep_their_stored_names()
    {
        Assert.Equal(typeof(NewsItem), Types.StreamType("news_item"));
        Assert.Equal(typeof(global::EventHistory.Pages.DayPage), Types.StreamType("day_page"));
        Assert.Equal(typeof(global::EventHistory.Pages.GitImport), Types.StreamType("git_import"));
    }

    [Fact]
    public void a_name_cannot_be_given_to_two_event_types()
    {
        Assert.Throws<InvalidOperationException>(() => new EventTypes().Register<HeadlineRevised>("x").Register<SummaryRevised>("x"));
    }
}
