using EventHistory.NewsItems;
using MediatR;

namespace EventHistory.Api;

public static class DayEndpoints
{
    public static void MapDays(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/days/{date}", async (string date, string? asOf, string? recordedAsOf, string? edition, IMediator m, HttpContext http, CancellationToken ct) =>
        {
            if (asOf is not null && recordedAsOf is not null)
                throw QueryParameters.Invalid("asOf", "Give either 'asOf' (edit time) or 'recordedAsOf' (store time), not both.");
            var (at, clock) = QueryParameters.Time(recordedAsOf, "recordedAsOf") is { } recorded
                ? (recorded, Clock.Recorded) : (QueryParameters.Time(asOf, "asOf"), Clock.Edited);
            return HttpCaching.Json(http, Caching.Revalidated, await m.Send(new GetDay.Query(QueryParameters.Date(date, "date"), at, clock, edition ?? "en"), ct));
        }).RequireAuthorization(Policies.Read)
            .WithName("GetDay").WithSummary("A day's items, now or as of a time").Produces<GetDay.Day>()
            .Revalidated("A hash of the day: any edit of one of its items changes it.");
}
