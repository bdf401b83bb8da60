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
            .WithName("GetPage").WithSummary("A page as the site has it (older paths answer 301)").Produces<string>(200, "text/markdown").Produces(301).ProducesProblem(404);
        app.MapGet("/zh/news/{year}/{month}/{day}/{file}", (string year, string month, string day, string file, HttpContext http, CancellationToken ct) =>
            ServeAsync($"/zh/news/{year}/{month}/{day}/{file}", http, ct)).RequireAuthorization(Policies.Read)
            .WithName("GetZhPage").WithSummary("A page of the zh edition as the site has it").Produces<string>(200, "text/markdown").Produces(301).ProducesProblem(404);
    }

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
                : Results.Text(latest, Markdown);
        }
        var db = await http.RequestServices.GetRequiredService<Infrastructure.ReadSource>().ForReadAsync(ct);
        var item = await NewsItemRows.FindByPathAsync(db, path, ct) is { } id ? await NewsItemRows.LoadCurrentAsync(db, id, ct) : null;
        if (item is null || item.Status == ItemStatus.Retracted || !item.HasPage)
            return Results.Problem(statusCode: 404, title: "Not found", detail: $"No news item page at {path}.");
        if (item.Path != path) return Results.Redirect(item.Path, permanent: true);
        return Results.Text(ItemPageRenderer.Render(item.Page), Markdown);
    }
}
