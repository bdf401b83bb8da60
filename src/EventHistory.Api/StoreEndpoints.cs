using EventHistory.Audit;
using EventHistory.NewsItems;
using MediatR;

namespace EventHistory.Api;

public static class StoreEndpoints
{
    public static void MapStore(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/verify", async (IMediator mediator, CancellationToken ct) =>
            Results.Ok(await mediator.Send(new VerifyHistory.Query(), ct))).RequireAuthorization(Policies.Read);

        app.MapGet("/api/items/{id:guid}/verify", async (Guid id, IMediator mediator, CancellationToken ct) =>
            Results.Ok(await mediator.Send(new VerifyHistory.Query(id), ct))).RequireAuthorization(Policies.Read);

        app.MapPost("/api/items/{id:guid}/archive", async (Guid id, IMediator mediator, CancellationToken ct) =>
            Results.Ok(await mediator.Send(new ArchiveNewsItem.Command(id), ct))).RequireAuthorization(Policies.Admin);
    }

    /// Archived items are kept whole but hidden: requests about one answer 410 Gone, except reads
    /// that ask for it with ?includeArchived=true, its verification and archiving it (again).
    public static RouteGroupBuilder HideArchived(this RouteGroupBuilder items)
    {
        items.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.Request.RouteValues.TryGetValue("id", out var raw) && Guid.TryParse(raw?.ToString(), out var id)
                && !(HttpMethods.IsGet(http.Request.Method) && string.Equals(http.Request.Query["includeArchived"], "true", StringComparison.OrdinalIgnoreCase))
                && await http.RequestServices.GetRequiredService<IMediator>().Send(new IsArchived.Query(id), http.RequestAborted) == true)
                return Results.Problem(statusCode: 410, title: "Archived",
                    detail: $"News item {id} is archived: its history is kept but hidden. Read it with ?includeArchived=true.");
            return await next(context);
        });
        return items;
    }
}
