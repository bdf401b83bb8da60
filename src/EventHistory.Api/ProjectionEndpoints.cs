using EventHistory.Projections;
using EventHistory.Search;
using MediatR;

namespace EventHistory.Api;

public static class ProjectionEndpoints
{
    public static void MapProjections(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/projections", async (IMediator mediator, CancellationToken ct) =>
            Results.Ok(await mediator.Send(new GetProjectionStatus.Query(), ct))).RequireAuthorization(Policies.Read)
            .WithName("GetProjections").WithSummary("The projections and how far each has got").Produces<IReadOnlyList<EventStore.Daemon.ProjectionStatus>>();

        // Runs to the end before answering; writers are not blocked meanwhile.
        app.MapPost("/api/projections/{name}/rebuild", async (string name, IMediator mediator, CancellationToken ct) =>
            Results.Ok(await mediator.Send(new RebuildProjection.Command(name), ct))).RequireAuthorization(Policies.Admin)
            .WithName("RebuildProjection").WithSummary("Rebuild a projection (admin)").Produces<RebuildProjection.Result>().ProducesProblem(404).ProducesProblem(409);

        app.MapGet("/api/search", async (string? q, int? limit, IMediator mediator, HttpContext http, CancellationToken ct) =>
            HttpCaching.Json(http, Caching.Revalidated, await mediator.Send(new SearchItems.Query(q ?? "", limit ?? 20), ct))).RequireAuthorization(Policies.Read)
            .WithName("SearchItems").WithSummary("Full-text search of the current items").Produces<IReadOnlyList<SearchItems.Hit>>()
            .Revalidated("A hash of the hits: any edit of a current item may change them.");
    }
}
