using EventHistory.Audit;
using EventHistory.NewsItems;
using MediatR;

namespace EventHistory.Api;

public static class StoreEndpoints
{
    public static void MapStore(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/verify", async (IMediator mediator, CancellationToken ct) =>
            Results.Ok(await mediator.Send(new VerifyHistory.Query(), ct))).RequireAuthorization(Policies.Read)
            .WithName("VerifyStore").WithSummary("Check every stream's hash chain").Produces<EventStore.ChainReport>();
    }

    /// One item's verification and its archiving. Both sit behind the archive check like every item
    /// route: verifying an archived item is a read, so it takes ?includeArchived=true (the store-wide
    /// /api/verify and the CLI still cover archived streams). Archiving an archived item answers 410
    /// rather than an idempotent 200: there is nothing left to do, there is no unarchive for a 200 to
    /// confirm, and a write to an archived item is refused with 410 whatever it is, so the rule has no
    /// exception to remember. A retry after a lost response learns from the 410 that it took.
    public static void MapItemStore(this RouteGroupBuilder item)
    {
        item.MapGet("/verify", async (Guid id, IMediator mediator, CancellationToken ct) =>
            Results.Ok(await mediator.Send(new VerifyHistory.Query(id), ct))).RequireAuthorization(Policies.Read)
            .WithName("VerifyItem").WithSummary("Check one item's hash chain").Produces<EventStore.ChainReport>().ProducesProblem(404);

        item.MapPost("/archive", async (Guid id, IMediator mediator, CancellationToken ct) =>
            Results.Ok(await mediator.Send(new ArchiveNewsItem.Command(id), ct))).RequireAuthorization(Policies.Admin)
            .WithName("ArchiveItem").WithSummary("Archive an item: kept, hidden, no more writes (admin)").Produces<ArchiveNewsItem.Result>().ProducesProblem(404);
    }
}
