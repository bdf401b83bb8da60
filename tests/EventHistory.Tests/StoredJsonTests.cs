using System.Text.Json;
using EventHistory.EventStore;
using EventHistory.NewsItems;
using EventHistory.Pages;

namespace EventHistory.Tests;

/// The JSON a database already holds: the item state in eh_items and eh_item_revisions (page facts
/// included) and a page_published event. Moving a record to another folder must not change a byte;
/// a real change of an event's shape needs an upcaster, and this test says so first. (A state is a
/// projection's row: it may change shape if the rows stored before still read the same.)
public sealed class StoredJsonTests
{
    private static readonly DateTimeOffset Written = new(2017, 7, 31, 9, 30, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.Parse("0190f3a0-0000-7000-8000-000000000001");

    private static readonly ItemPage Page = new("en", new DateOnly(2017, 7, 30), "putin-expels-755-us-diplomats", "A2",
        "Putin expels 755 U.S. diplomats", "Russia orders cuts.", [new Source("Al Jazeera", "http://www.aljazeera.com/x.html")],
        null, "Russia", [new RelatedItem("Sanctions", "/news/2017/07/27/sanctions.md", "Earlier:")],
        [new PageChange("Putin expels diplomats", "/news/2017/07/30/putin-expels-diplomats.md", Written.AddHours(-20))]);

    private static readonly PagePublished Published = new(Page, Written, "imported from /news/2017/07/30/putin-expels-755-us-diplomats.md");

    private static NewsItem State() => NewsItem.Fold([
        new NewsItemCreated(Id, new DateOnly(2017, 7, 30), "Putin expels diplomats", "", [], null, null, [],
            "putin-expels-diplomats", "en", Written.AddHours(-20), "imported", PageLayouts.Unseen),
        Published,
    ]);

    private static NewsItem Revised() => NewsItem.Fold([
        new NewsItemCreated(Id, new DateOnly(2017, 7, 30), "Putin expels diplomats", "Russia orders cuts.", [], null, null, [],
            "putin-expels-diplomats", "en", Written.AddHours(-20)),
        new HeadlineRevised("Putin expels 755 U.S. diplomats", "putin-expels-755-u-s-diplomats", Written, "house style"),
    ]);

    // Taken from the code before the page facts and payload records moved between folders: the
    // states as stored until the item's computed properties (path, hasPage, page) were left out.
    private const string ImportedStateBefore = """
        {"id":"0190f3a0-0000-7000-8000-000000000001","revision":2,"date":"2017-07-30","headline":"Putin expels 755 U.S. diplomats","summary":"Russia orders cuts.","sources":[{"name":"Al Jazeera","url":"http://www.aljazeera.com/x.html","image":null}],"coverImage":null,"topic":"Russia","related":[{"headline":"Sanctions","path":"/news/2017/07/27/sanctions.md","context":"Earlier:"}],"slug":"putin-expels-755-us-diplomats","edition":"en","status":"Published","editedAt":"2017-07-31T09:30:00+00:00","path":"/news/2017/07/30/putin-expels-755-us-diplomats.md","layout":"A2","changes":[{"headline":"Putin expels diplomats","path":"/news/2017/07/30/putin-expels-diplomats.md","editedAt":"2017-07-30T13:30:00+00:00"}],"slugSince":"2017-07-31T09:30:00+00:00","hasPage":true,"page":{"edition":"en","date":"2017-07-30","slug":"putin-expels-755-us-diplomats","layout":"A2","headline":"Putin expels 755 U.S. diplomats","summary":"Russia orders cuts.","sources":[{"name":"Al Jazeera","url":"http://www.aljazeera.com/x.html","image":null}],"coverImage":null,"topic":"Russia","related":[{"headline":"Sanctions","path":"/news/2017/07/27/sanctions.md","context":"Earlier:"}],"changes":[{"headline":"Putin expels diplomats","path":"/news/2017/07/30/putin-expels-diplomats.md","editedAt":"2017-07-30T13:30:00+00:00"}],"path":"/news/2017/07/30/putin-expels-755-us-diplomats.md"}}
        """;

    private const string RevisedStateBefore = """
        {"id":"0190f3a0-0000-7000-8000-000000000001","revision":2,"date":"2017-07-30","headline":"Putin expels 755 U.S. diplomats","summary":"Russia orders cuts.","sources":[],"coverImage":null,"topic":null,"related":[],"slug":"putin-expels-755-u-s-diplomats","edition":"en","status":"Published","editedAt":"2017-07-31T09:30:00+00:00","path":"/news/2017/07/30/putin-expels-755-u-s-diplomats.md","layout":null,"changes":[{"headline":"Putin expels diplomats","path":"/news/2017/07/30/putin-expels-diplomats.md","editedAt":"2017-07-30T13:30:00+00:00"}],"slugSince":"2017-07-31T09:30:00+00:00","hasPage":true,"page":{"edition":"en","date":"2017-07-30","slug":"putin-expels-755-u-s-diplomats","layout":"B","headline":"Putin expels 755 U.S. diplomats","summary":"Russia orders cuts.","sources":[],"coverImage":null,"topic":null,"related":[],"changes":[{"headline":"Putin expels diplomats","path":"/news/2017/07/30/putin-expels-diplomats.md","editedAt":"2017-07-30T13:30:00+00:00"}],"path":"/news/2017/07/30/putin-expels-755-u-s-diplomats.md"}}
        """;

    private const string ImportedState = """
        {"id":"0190f3a0-0000-7000-8000-000000000001","revision":2,"date":"2017-07-30","headline":"Putin expels 755 U.S. diplomats","summary":"Russia orders cuts.","sources":[{"name":"Al Jazeera","url":"http://www.aljazeera.com/x.html","image":null}],"coverImage":null,"topic":"Russia","related":[{"headline":"Sanctions","path":"/news/2017/07/27/sanctions.md","context":"Earlier:"}],"slug":"putin-expels-755-us-diplomats","edition":"en","status":"Published","editedAt":"2017-07-31T09:30:00+00:00","layout":"A2","changes":[{"headline":"Putin expels diplomats","path":"/news/2017/07/30/putin-expels-diplomats.md","editedAt":"2017-07-30T13:30:00+00:00"}],"slugSince":"2017-07-31T09:30:00+00:00"}
        """;

    private const string RevisedState = """
        {"id":"0190f3a0-0000-7000-8000-000000000001","revision":2,"date":"2017-07-30","headline":"Putin expels 755 U.S. diplomats","summary":"Russia orders cuts.","sources":[],"coverImage":null,"topic":null,"related":[],"slug":"putin-expels-755-u-s-diplomats","edition":"en","status":"Published","editedAt":"2017-07-31T09:30:00+00:00","layout":null,"changes":[{"headline":"Putin expels diplomats","path":"/news/2017/07/30/putin-expels-diplomats.md","editedAt":"2017-07-30T13:30:00+00:00"}],"slugSince":"2017-07-31T09:30:00+00:00"}
        """;

    private const string PagePublishedJson = """
        {"page":{"edition":"en","date":"2017-07-30","slug":"putin-expels-755-us-diplomats","layout":"A2","headline":"Putin expels 755 U.S. diplomats","summary":"Russia orders cuts.","sources":[{"name":"Al Jazeera","url":"http://www.aljazeera.com/x.html","image":null}],"coverImage":null,"topic":"Russia","related":[{"headline":"Sanctions","path":"/news/2017/07/27/sanctions.md","context":"Earlier:"}],"changes":[{"headline":"Putin expels diplomats","path":"/news/2017/07/30/putin-expels-diplomats.md","editedAt":"2017-07-30T13:30:00+00:00"}],"path":"/news/2017/07/30/putin-expels-755-us-diplomats.md"},"editedAt":"2017-07-31T09:30:00+00:00","reason":"imported from /news/2017/07/30/putin-expels-755-us-diplomats.md"}
        """;

    [Fact]
    public void an_imported_items_state_keeps_its_stored_json()
    {
        Assert.Equal(ImportedState, NewsItemRows.Serialize(State()));
        Assert.Equal(ImportedState, NewsItemRows.Serialize(NewsItemRows.Parse(ImportedState)));
    }

    [Fact]
    public void a_revised_items_state_keeps_its_stored_json()
    {
        Assert.Equal(RevisedState, NewsItemRows.Serialize(Revised()));
        Assert.Equal(RevisedState, NewsItemRows.Serialize(NewsItemRows.Parse(RevisedState)));
    }

    [Fact]
    public void a_state_stored_with_its_computed_properties_reads_as_the_same_item()
    {
        foreach (var (before, now, item) in new[] { (ImportedStateBefore, ImportedState, State()), (RevisedStateBefore, RevisedState, Revised()) })
        {
            var read = NewsItemRows.Parse(before);
            Assert.Equal(now, NewsItemRows.Serialize(read));
            // The item as the API and the pages see it, computed properties included: as it was.
            Assert.Equal(before, JsonSerializer.Serialize(read, EventTypes.Json));
            Assert.Equal(before, JsonSerializer.Serialize(item, EventTypes.Json));
        }
    }

    [Fact]
    public void a_page_published_event_keeps_its_stored_json()
    {
        var types = NewsItemEventTypes.Register(new EventTypes());
        Assert.Equal(PagePublishedJson, types.Serialize(Published));
        Assert.Equal(Published.Page.Changes, ((PagePublished)types.Deserialize("page_published", PagePublishedJson)).Page.Changes);
        Assert.Equal(PagePublishedJson, types.Serialize(types.Deserialize("page_published", PagePublishedJson)));
    }
}
