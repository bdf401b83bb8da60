using System.Globalization;
using EventHistory.Api.OpenApi;
using EventHistory.NewsItems;
using FluentValidation;
using FluentValidation.Results;
using MediatR;

namespace EventHistory.Api;

public static class ItemEndpoints
{
    public sealed record SourceBody(string? Name, string? Url);
    public sealed record CreateBody(string? Date, string? Headline, string? Summary, List<SourceBody>? Sources, string? Topic, string? Edition);
    public sealed record HeadlineBody(string? Headline, string? Reason);

    /// The one group every route about an item is mapped on, created once (in ApiHost) and handed to
    /// each endpoint file: Read by default (an endpoint may ask for more) and archived items hidden,
    /// so a new item route cannot forget either.
    public static RouteGroupBuilder MapItemGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/items/{id}").RequireAuthorization(Policies.Read).HideArchived();

    /// The collection: create an item, find one by its path.
    public static void MapItems(this IEndpointRouteBuilder app)
    {
        var items = app.MapGroup("/api/items").RequireAuthorization(Policies.Read);

        items.MapPost("", async (CreateBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            var command = new CreateNewsItem.Command(
                ParseDate(body.Date), body.Headline ?? "", body.Summary,
                body.Sources?.Select(s => new Source(s.Name ?? "", s.Url ?? "")).ToList(), body.Topic, body.Edition ?? "en");
            var result = await mediator.Send(command, ct);
            SetETag(http, result.Revision);
            return Results.Created($"/api/items/{result.ItemId}", result);
        }).RequireAuthorization(Policies.Edit)
            .WithName("CreateItem").WithSummary("Create a news item").Produces<EditResult>(201).AppendsEvents(OpenApi.IfMatchUse.None).SendsETag(201);

        items.MapGet("", async (string? path, IMediator mediator, CancellationToken ct) =>
            path is null
                ? Results.Problem(statusCode: 400, title: "Bad request", detail: "Give ?path=/news/YYYY/MM/D/SLUG.md.")
                : Results.Redirect($"/api/items/{await mediator.Send(new FindNewsItemByPath.Query(path), ct)}"))
            .WithName("FindItemByPath").WithSummary("Redirect to the item that has or ever had a path").Produces(302).ProducesProblem(404);
    }

    /// One item: read it (now or as of a time), revise its headline, list and read its revisions.
    public static void MapItem(this RouteGroupBuilder item)
    {
        item.MapGet("", async (Guid id, string? asOf, string? recordedAsOf, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            MementoEndpoints.AddOriginalHeaders(http, id);
            // As of a time, related items show their headlines as of then too: the revision alone does not say what the bytes are.
            if (await HistoryEndpoints.AsOfAsync(id, asOf, recordedAsOf, mediator, ct) is { } past)
                return HttpCaching.Json(http, Caching.Revalidated, past);
            // The current item's ETag is its revision, the one an edit sends back as If-Match; every change is a new revision.
            var news = await mediator.Send(new GetNewsItem.Query(id), ct);
            return HttpCaching.Answer(http, Caching.Revalidated, HttpCaching.Tag(news.Revision), () => Results.Ok(news));
        }).WithName("GetItem").WithSummary("Read an item, now or as of a time").Produces<NewsItem>().ProducesProblem(404)
            .Revalidated("Now, the item's revision (\"3\"), to send as If-Match with the next edit; as of a time, a hash of the answer.");

        item.MapPost("/headline", async (Guid id, HeadlineBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            var result = await mediator.Send(new ReviseHeadline.Command(id, body.Headline ?? "", body.Reason, IfMatch.Required(http)), ct);
            SetETag(http, result.Revision);
            return Results.Ok(result);
        }).RequireAuthorization(Policies.Edit).ItemEdit("ReviseHeadline", "Revise the headline");

        item.MapGet("/revisions", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
            HttpCaching.Json(http, Caching.Revalidated, await mediator.Send(new GetHistory.Query(id), ct)))
            .WithName("GetRevisions").WithSummary("List an item's revisions").Produces<IReadOnlyList<GetHistory.Entry>>().ProducesProblem(404)
            .Revalidated("A hash of the list: it changes with every revision added.");

        // A revision never changes once written, so its permalink is immutable; its ETag is its number,
        // as the item's ETag was at that revision. Its Link names only neighbours that never change (MementoEndpoints).
        item.MapGet("/revisions/{revision}", async (Guid id, long revision, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            QueryParameters.RequirePositive(revision, "revision");
            var item = await mediator.Send(new GetRevision.Query(id, revision), ct);
            return await HttpCaching.AnswerAsync(http, Caching.Immutable, HttpCaching.Tag(item.Revision), async () =>
            {
                await MementoEndpoints.AddMementoHeadersAsync(http, mediator, id, revision, ct);
                return Results.Ok(item);
            });
        }).WithName("GetRevision").WithSummary("Read one revision of an item").Produces<NewsItem>().ProducesProblem(404)
            .Immutable("The revision's number (\"3\"): the item's ETag as it was at that revision.");
    }

    public static void SetETag(HttpContext http, long revision) => http.Response.Headers.ETag = $"\"{revision}\"";

    public static DateOnly ParseDate(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new ValidationException([new ValidationFailure("Date", "'Date' must be a date as YYYY-MM-DD.")]);
}
