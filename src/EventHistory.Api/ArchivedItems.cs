using EventHistory.EventStore;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using MediatR;

namespace EventHistory.Api;

/// Archived items are kept whole but hidden: every request about one answers 410 Gone, except a
/// GET that asks for it with ?includeArchived=true; a write never gets through. It is on the one
/// item group (ItemEndpoints.MapItemGroup), so no item route goes without it.
public static class ArchivedItems
{
    public static RouteGroupBuilder HideArchived(this RouteGroupBuilder items)
    {
        items.ProducesProblem(StatusCodes.Status410Gone);
        items.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!(http.Request.RouteValues.TryGetValue("id", out var raw) && Guid.TryParse(raw?.ToString(), out var id)))
                return await next(context);
            if (!HttpMethods.IsGet(http.Request.Method)) return await WriteAsync(context, next, id);
            var askedFor = string.Equals(http.Request.Query["includeArchived"], "true", StringComparison.OrdinalIgnoreCase);
            return askedFor || !await IsArchivedAsync(http, id) ? await next(context) : Gone(id);
        });
        return items;
    }

    /// A write that appended found the item live under the item's lock (the append's guard refuses an
    /// archived stream, StreamArchivedException), so asking before every write would cost each edit a
    /// query for what is rare. Every other outcome (refused, invalid, a retry answered from the
    /// command log, nothing to do) asks afterwards, so an archived item answers 410 whatever was sent.
    private static async ValueTask<object?> WriteAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, Guid id)
    {
        var http = context.HttpContext;
        object? result;
        try
        {
            result = await next(context);
        }
        catch (StreamArchivedException)
        {
            return Gone(id);
        }
        catch (Exception e) when (e is not OperationCanceledException && !Faults.IsDatabaseUnavailable(e))
        {
            if (await IsArchivedAsync(http, id)) return Gone(id);
            throw;
        }
        var checkedLive = http.RequestServices.GetRequiredService<EditorContext>().ArchiveCheckedFor == id;
        return checkedLive || !await IsArchivedAsync(http, id) ? result : Gone(id);
    }

    private static async Task<bool> IsArchivedAsync(HttpContext http, Guid id) =>
        await http.RequestServices.GetRequiredService<IMediator>().Send(new IsArchived.Query(id), http.RequestAborted) == true;

    public static IResult Gone(Guid id) => Results.Problem(statusCode: 410, title: "Archived",
        detail: $"News item {id} is archived: its history is kept but hidden. Read it with ?includeArchived=true.");
}
