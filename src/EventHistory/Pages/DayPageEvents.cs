using System.Security.Cryptography;
using System.Text;
using EventHistory.EventStore;
using EventHistory.NewsItems;

namespace EventHistory.Pages;

/// The site wrote the day page (index.md) like this; a day page's stream holds each version seen.
public sealed record DayPagePublished(DayPage Page, DateTimeOffset EditedAt, string? Reason = null);

public static class DayPageEventTypes
{
    /// Fixed forever, like the item's own (EventTypeNamesTests pins them).
    public static EventTypes Register(EventTypes types) => types
        .RegisterStream<DayPage>(PageStreams.DayPageType)
        .Register<DayPagePublished>("day_page_published");
}

public static class PageStreams
{
    public const string DayPageType = "day_page";

    public static Guid DayPageId(string path) => NameBased("day-page:" + path);

    /// A new imported item's stream id comes from its earliest path, so two imports of one page racing
    /// each other meet on the same stream (one of them gets a version conflict) instead of making two items.
    public static Guid ItemId(string earliestPath) => NameBased("news-item:" + earliestPath);

    private static Guid NameBased(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// The time a page version is recorded at when the import does not say (--at): its last Changes
    /// entry, or lacking one, the news day at 00:00 UTC.
    public static DateTimeOffset DefaultTime(DateOnly date, IReadOnlyList<PageChange> changes) =>
        changes.Count > 0 ? changes[^1].EditedAt : new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
