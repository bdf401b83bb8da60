using EventHistory.NewsItems;
using MediatR;

namespace EventHistory.Api;

/// Past versions and what changed between them.
public static class HistoryEndpoints
{
    public static void MapHistory(this RouteGroupBuilder item)
    {
        item.MapGet("/diff", async (Guid id, string? from, string? to, IMediator m, CancellationToken ct) =>
            Results.Ok(await m.Send(new GetDiff.Query(id, QueryParameters.Revision(from, "from"), QueryParameters.Revision(to, "to")), ct)))
            .WithName("GetDiff").WithSummary("What changed between two revisions").Produces<GetDiff.ItemDiff>().ProducesProblem(404);
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
