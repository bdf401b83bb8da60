using EventHistory.NewsItems;
using MediatR;

namespace EventHistory.Api;

/// Past versions and what changed between them.
public static class HistoryEndpoints
{
    public static void MapHistory(this RouteGroupBuilder item)
    {
        // Between two given revisions a diff never changes (immutable, ETag "FROM-TO"); to the current
        // revision (no `to`, or `to=current`) it changes with the next edit, so caches revalidate it.
        item.MapGet("/diff", async (Guid id, string? from, string? to, IMediator m, HttpContext http, CancellationToken ct) =>
        {
            var start = QueryParameters.Revision(from, "from");
            var toCurrent = to is null || to == "current";
            var end = toCurrent ? (await m.Send(new GetNewsItem.Query(id), ct)).Revision : QueryParameters.Revision(to, "to");
            var diff = await m.Send(new GetDiff.Query(id, start, end), ct);
            return HttpCaching.Answer(http, toCurrent ? Caching.Revalidated : Caching.Immutable,
                HttpCaching.Tag(FormattableString.Invariant($"{start}-{end}")), () => Results.Ok(diff));
        }).WithName("GetDiff").WithSummary("What changed between two revisions (`to` omitted or `current`: to the current one)")
            .Produces<GetDiff.ItemDiff>().ProducesProblem(404)
            .Immutable("\"FROM-TO\", the two revisions compared.", unless: "the diff is to the current revision");
    }

    /// `?asOf=` reads on the edit clock, `?recordedAsOf=` on the store clock; null when neither is given.
    public static async Task<NewsItem?> AsOfAsync(Guid id, string? asOf, string? recordedAsOf, IMediator m, CancellationToken ct)
    {
        if (asOf is not null && recordedAsOf is not null)
            throw QueryParameters.Invalid("asOf", "Give either 'asOf' (edit time) or 'recordedAsOf' (store time), not both.");
        if (QueryParameters.Time(asOf, "asOf") is { } edited) return await m.Send(new GetItemAsOf.Query(id, edited, Clock.Edited), ct);
        if (QueryParameters.Time(recordedAsOf, "recordedAsOf") is { } recorded) return await m.Send(new GetItemAsOf.Query(id, recorded, Clock.Recorded), ct);
        return null;
    }
}
