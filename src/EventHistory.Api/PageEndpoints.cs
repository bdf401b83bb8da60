using EventHistory.EventStore;
using EventHistory.NewsItems;
using EventHistory.Pages;
using FluentValidation;
using FluentValidation.Results;
using MediatR;
using Npgsql;

namespace EventHistory.Api;

/// Pages in and out: import a page file, and serve pages as the site did (text/markdown), with an
/// item's older paths answering 301 to its current one.
public static class PageEndpoints
{
    public sealed record PageBody(string? Path, string? Text, DateTimeOffset? At);

    private const string Markdown = "text/markdown; charset=utf-8";

    public static void MapPages(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/pages", async (PageBody body, IMediator mediator, CancellationToken ct) =>
        {
            // A path relative to a corpus or export folder ("en/news/...", "news/...") is taken from its news/ folder on.
            var path = body.Path is { } given && PagePaths.Split(given) is null ? PagePaths.FromRelative(given) ?? given : body.Path ?? "";
            var outcome = await mediator.Send(new ImportPage.Command(path, body.Text ?? "", body.At), ct);
            return outcome.NewItem && !outcome.Path.EndsWith("/index.md", StringComparison.Ordinal)
                ? Results.Created($"/api/items/{outcome.StreamId}", outcome)
                : Results.Ok(outcome);
        }).RequireAuthorization(Policies.Edit)
            .WithName("ImportPage").WithSummary("Import one page file (201 when it makes a new item)").Produces<ImportOutcome>(200).Produces<ImportOutcome>(201);

        app.MapGet("/news/{year}/{month}/{day}/{file}", (string year, string month, string day, string file, HttpContext http, CancellationToken ct) =>
            ServeAsync($"/news/{year}/{month}/{day}/{file}", http, ct)).RequireAuthorization(Policies.Read)
            .WithName("GetPage").WithSummary("A page as the site has it (older paths answer 301)").Produces<string>(200, "text/markdown").Produces(301).ProducesProblem(404)
            .Revalidated(PageETag);
        app.MapGet("/zh/news/{year}/{month}/{day}/{file}", (string year, string month, string day, string file, HttpContext http, CancellationToken ct) =>
            ServeAsync($"/zh/news/{year}/{month}/{day}/{file}", http, ct)).RequireAuthorization(Policies.Read)
            .WithName("GetZhPage").WithSummary("A page of the zh edition as the site has it").Produces<string>(200, "text/markdown").Produces(301).ProducesProblem(404)
            .Revalidated(PageETag);
    }

    private const string PageETag = "A hash of the page's bytes.";

    /// An item's page as it stood at one of its revisions: for a revision that wrote the page, byte
    /// for byte what the exporter writes for it; for one that did not (an earlier version found, an
    /// attachment) the page as it still stood. Immutable, as the revision is. A revision that had no
    /// page (the item was retracted then, or is known only from another page's Changes list) is a 404.
    public static void MapRevisionPages(this RouteGroupBuilder item) =>
        item.MapGet("/revisions/{revision}/page", async (Guid id, long revision, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            QueryParameters.RequirePositive(revision, "revision");
            var state = await mediator.Send(new GetRevision.Query(id, revision), ct);
            if (state.Status == ItemStatus.Retracted || !state.HasPage)
                return Results.Problem(statusCode: 404, title: "Not found",
                    detail: $"Revision {revision} of news item {id} has no page: " +
                            (state.HasPage ? "the item was retracted then." : "it is known only from another page's Changes list."));
            return HttpCaching.Text(http, Caching.Immutable, ItemPageRenderer.Render(state.Page), Markdown);
        }).WithName("GetRevisionPage").WithSummary("An item's page as it stood at a revision (text/markdown)")
            .Produces<string>(200, "text/markdown").ProducesProblem(404).Immutable(PageETag);

    private static async Task<IResult> ServeAsync(string path, HttpContext http, CancellationToken ct)
    {
        var split = PagePaths.Split(path) ?? throw new ValidationException([new ValidationFailure("Path", "Give /news/YYYY/MM/D/SLUG.md.")]);
        var store = http.RequestServices.GetRequiredService<EventStore.EventStore>();
        if (DayPageFiles.NameOf(path) is not null)
        {
            var days = await store.ReadStreamAsync(PageStreams.DayPageId(DayPageFiles.IndexPathOf(path)), ct);
            var latest = PageVersions.InForce(PageVersions.OfDay(days.Select(e => e.Data)), path, DateTimeOffset.MaxValue)?.Text();
            return latest is null
                ? Results.Problem(statusCode: 404, title: "Not found", detail: $"No day page at {path}.")
                : HttpCaching.Text(http, Caching.Revalidated, latest, Markdown);
        }
        await using var conn = await http.RequestServices.GetRequiredService<Infrastructure.ReadSource>().OpenAsync(ct);
        var item = await NewsItemRows.FindByPathAsync(conn, path, ct) is { } id ? await NewsItemRows.LoadCurrentAsync(conn, null, id, ct) : null;
        if (item is null || item.Status == ItemStatus.Retracted || !item.HasPage)
            return Results.Problem(statusCode: 404, title: "Not found", detail: $"No news item page at {path}.");
        if (item.Path != path)
        {
            // Permanent, but not for ever: a later edit may move the item on again, or back to this
            // path (a cached redirect would then loop), so caches ask again before following it.
            http.Response.Headers.CacheControl = "no-cache";
            return Results.Redirect(item.Path, permanent: true);
        }
        return HttpCaching.Text(http, Caching.Revalidated, ItemPageRenderer.Render(item.Page), Markdown);
    }
}
