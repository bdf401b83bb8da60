using EventHistory.EventStore;
using EventHistory.NewsItems;
using EventHistory.Projections;
using EventHistory.Testing;

namespace EventHistory.Api.Tests;

/// The item of 2017-07-30 as its page tells it, appended with the page's own times as EditedAt
/// (until the importer exists). The current version's time is not on the page; 2018-02-06
/// 13:49:31 stands in for it.
public static class ExampleItem
{
    public const string Date = "2017-07-30";
    public const string FirstHeadline =
        "Russian President Vladimir Putin expels 755 United States diplomats in response to new sanctions imposed by the United States. ";
    public const string SecondHeadline =
        "Russia-United States relations: Russian President Vladimir Putin expels 755 U.S. diplomats in response to new sanctions imposed by the United States. ";
    public const string ThirdHeadline =
        "Russian President Vladimir Putin expels 755 U.S. diplomats in response to new sanctions imposed by the United States. ";
    public const string ConsulatePath =
        "/news/2017/08/31/the-united-states-state-department-orders-russia-to-close-the-consulate-general-in-san-francisco-and-two-other-buildings-by-september-2-201.md";
    public const string ConsulateHeadline =
        "The United States State Department orders Russia to close the Consulate-General in San Francisco and two other buildings by September 2, 2017, invoking \"parity\" over a Russian measure in July. ";
    public const string SenatePath =
        "/news/2017/06/16/the-united-states-senate-passed-by-an-overwhelming-majority-a-bill-ramping-up-sanctions-against-russia-and-against-iran-language-in-the-mea.md";

    public static readonly DateTimeOffset Created = At("2017-08-02T07:30:05Z");
    public static readonly DateTimeOffset Updated = At("2017-08-27T03:48:44Z");
    public static readonly DateTimeOffset Current = At("2018-02-06T13:49:31Z");

    public static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    public static EventStore.EventStore StoreFor(TestDatabase db) =>
        new(db.DataSource, DomainEventTypes.Register(new EventTypes()), [new NewsItemProjection()]);

    public static async Task<Guid> SeedAsync(TestDatabase db)
    {
        var id = Guid.CreateVersion7();
        var sources = new List<Source>
        {
            new("Al Jazeera", "http://www.aljazeera.com/news/2017/07/russia-expels-755-diplomats-response-sanctions-170730201720880.html"),
            new("CNN", "http://edition.cnn.com/2017/07/30/politics/russia-us-diplomatic-missions/index.html"),
        };
        var related = new List<RelatedItem>
        {
            new(ConsulateHeadline, ConsulatePath, "American, Russia-United States relations"),
            new("The United States Senate passed by an overwhelming majority a bill ramping-up sanctions against Russia and against Iran. Language in the measure also reaffirms United States' commitment to NATO. ",
                SenatePath, "American, Russia-United States relations"),
        };
        INewsItemEvent[] events =
        [
            new NewsItemCreated(id, new DateOnly(2017, 7, 30), FirstHeadline,
                "President Vladimir Putin orders reduction in staff and vows for additional measures in retaliation to new US sanctions.",
                sources, null, null, related,
                "russian-president-vladimir-putin-expels-755-united-states-diplomats-in-response-to-new-sanctions-imposed-by-the-united-states",
                "en", Created),
            new HeadlineRevised(SecondHeadline,
                "russia-united-states-relations-russian-president-vladimir-putin-expels-755-u-s-diplomats-in-response-to-new-sanctions-imposed-by-the-uni",
                Updated),
            new HeadlineRevised(ThirdHeadline,
                "russian-president-vladimir-putin-expels-755-u-s-diplomats-in-response-to-new-sanctions-imposed-by-the-united-states",
                Current),
        ];
        await StoreFor(db).AppendAsync(id, NewsItemEventTypes.StreamType, 0, events, new EventMetadata("importer"));
        return id;
    }

    /// The related consulate item, so as-of reads can show its headline as of the same time.
    public static async Task<Guid> SeedConsulateAsync(TestDatabase db, DateTimeOffset created, DateTimeOffset revised, string revisedHeadline)
    {
        var id = Guid.CreateVersion7();
        INewsItemEvent[] events =
        [
            new NewsItemCreated(id, new DateOnly(2017, 8, 31), ConsulateHeadline, "", [], null, null, [],
                "the-united-states-state-department-orders-russia-to-close-the-consulate-general-in-san-francisco-and-two-other-buildings-by-september-2-201",
                "en", created),
            new HeadlineRevised(revisedHeadline, Slugs.For("en", revisedHeadline), revised),
        ];
        await StoreFor(db).AppendAsync(id, NewsItemEventTypes.StreamType, 0, events, new EventMetadata("importer"));
        return id;
    }
}
