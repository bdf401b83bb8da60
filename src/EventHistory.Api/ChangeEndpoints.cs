using System.Globalization;
using System.Xml.Linq;
using EventHistory.NewsItems;
using MediatR;

namespace EventHistory.Api;

/// The audit feed, across the store and per item, and an Atom feed of recent changes.
public static class ChangeEndpoints
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    public static void MapChanges(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/changes", (string? after, string? editor, string? since, string? until, string? type, int? limit,
                IMediator m, HttpContext http, CancellationToken ct) => PageAsync(null, after, editor, since, until, type, limit, m, http, ct))
            .WithName("GetChanges").WithSummary("The audit feed of every change, in commit order").Produces<GetChanges.Page>()
            .RequireAuthorization(Policies.Read).Revalidated(FeedETag);

        app.MapGet("/api/changes.atom", async (IMediator m, HttpContext http, CancellationToken ct) =>
                HttpCaching.Text(http, Caching.Revalidated, Feed(await m.Send(new GetChanges.Recent(), ct), BaseUri(http)), "application/atom+xml; charset=utf-8"))
            .WithName("GetChangesFeed").WithSummary("Recent changes as an Atom feed").Produces<string>(200, "application/atom+xml")
            .RequireAuthorization(Policies.Read).Revalidated(FeedETag);
    }

    /// A feed grows with every change, and a page of it has no identity shorter than its content:
    /// its ETag is a hash of its bytes, and caches revalidate it.
    private const string FeedETag = "A hash of the answer: it changes when a change is added to it.";

    /// One item's audit feed.
    public static void MapItemChanges(this RouteGroupBuilder item) =>
        item.MapGet("/changes", (Guid id, string? after, string? editor, string? since, string? until, string? type,
                int? limit, IMediator m, HttpContext http, CancellationToken ct) => PageAsync(id, after, editor, since, until, type, limit, m, http, ct))
            .WithName("GetItemChanges").WithSummary("The audit feed of one item").Produces<GetChanges.Page>()
            .RequireAuthorization(Policies.Read).Revalidated(FeedETag);

    private static async Task<IResult> PageAsync(Guid? item, string? after, string? editor, string? since, string? until, string? type,
        int? limit, IMediator m, HttpContext http, CancellationToken ct) =>
        HttpCaching.Json(http, Caching.Revalidated, await m.Send(new GetChanges.Query(
            QueryParameters.Cursor(after, "after"), item, string.IsNullOrEmpty(editor) ? null : editor,
            QueryParameters.Time(since, "since"), QueryParameters.Time(until, "until"),
            string.IsNullOrEmpty(type) ? null : type, limit ?? 100), ct));

    public static string BaseUri(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";

    public static string Feed(IReadOnlyList<GetChanges.Entry> entries, string baseUri)
    {
        var updated = entries.Count > 0 ? entries.Max(e => e.RecordedAt) : DateTimeOffset.UnixEpoch;
        var feed = new XElement(Atom + "feed",
            new XElement(Atom + "id", $"{baseUri}/api/changes.atom"),
            new XElement(Atom + "title", "EventHistory: recent changes"),
            new XElement(Atom + "updated", Rfc3339(updated)),
            new XElement(Atom + "link", new XAttribute("rel", "self"), new XAttribute("href", $"{baseUri}/api/changes.atom")),
            new XElement(Atom + "author", new XElement(Atom + "name", "EventHistory")),
            entries.Select(e => new XElement(Atom + "entry",
                new XElement(Atom + "id", $"urn:uuid:{e.EventId}"),
                new XElement(Atom + "title", $"{e.Headline.Trim()} ({e.EventType.Replace('_', ' ')}, revision {e.Revision})"),
                new XElement(Atom + "updated", Rfc3339(e.RecordedAt)),
                new XElement(Atom + "published", Rfc3339(e.EditedAt)),
                new XElement(Atom + "author", new XElement(Atom + "name", e.Editor ?? "unknown")),
                new XElement(Atom + "link", new XAttribute("href", $"{baseUri}/api/items/{e.ItemId}/revisions/{e.Revision}")),
                new XElement(Atom + "category", new XAttribute("term", e.EventType)),
                new XElement(Atom + "summary", Summary(e)))));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), feed).Declaration + "\n" + feed;
    }

    private static string Summary(GetChanges.Entry e) =>
        $"{e.EventType.Replace('_', ' ')} by {e.Editor ?? "unknown"}, edited {Rfc3339(e.EditedAt)}, recorded {Rfc3339(e.RecordedAt)}"
        + (e.Reason is { Length: > 0 } why ? $"; why: {why}" : "") + (e.CorrelationId is { } c ? $"; correlation id {c}" : "");

    private static string Rfc3339(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
