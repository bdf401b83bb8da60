using System.Globalization;
using System.Net.Http.Headers;
using EventHistory.Api.OpenApi;
using EventHistory.Articles;
using FluentValidation;
using FluentValidation.Results;
using MediatR;

namespace EventHistory.Api;

/// The texts of an item's source articles: PUT text/plain to capture, GET to read any version or a diff.
/// {source} is the source's 1-based position or its URL (percent-encoded).
public static class ArticleEndpoints
{
    public static void MapArticles(this RouteGroupBuilder item)
    {
        var source = item.MapGroup("/sources/{source}");

        source.MapPut("/text", async (Guid id, string source, string? at, string? reason, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            if (!IsUtf8PlainText(http.Request.ContentType))
                return Results.Problem(statusCode: 415, title: "Unsupported media type",
                    detail: "Send the article as Content-Type: text/plain; charset=utf-8.");
            var body = await ReadBodyAsync(http.Request, ct);
            if (body is null) return TooLarge();
            var captured = await mediator.Send(new CaptureSourceText.Command(id, source, body, Time(at), reason, IfMatch.Optional(http)), ct);
            var location = $"/api/items/{id}/sources/{Uri.EscapeDataString(captured.Text.SourceUrl)}/texts/{captured.Text.Version}";
            if (!captured.Created) return Results.Ok(captured);
            ItemEndpoints.SetETag(http, captured.Text.Revision);
            return Results.Created(location, captured);
        }).RequireAuthorization(Policies.Edit).WithMetadata(new OwnBodyLimit())
            .WithName("CaptureSourceText").WithSummary("Capture a source article's text (201 new version, 200 unchanged)").ReadsPlainText()
            .Produces<CaptureSourceText.Captured>(200).Produces<CaptureSourceText.Captured>(201).ProducesProblem(404).AppendsEvents(OpenApi.IfMatchUse.Optional).SendsETag(201);

        source.MapGet("/texts", async (Guid id, string source, string? includeTrivial, IMediator mediator, HttpContext http, CancellationToken ct) =>
            HttpCaching.Json(http, Caching.Revalidated, await mediator.Send(new ListSourceTexts.Query(id, source, Flag(includeTrivial, "includeTrivial") ?? true), ct)))
            .WithName("ListSourceTexts").WithSummary("List the captured versions of a source's text").Produces<ListSourceTexts.Listing>().ProducesProblem(404)
            .Revalidated("A hash of the listing: it changes with every version captured.");

        // A captured version is never changed, so named by its source's URL it is immutable. A position
        // ("1") names whatever source is there now, which an edit of the sources changes: revalidated.
        source.MapGet("/texts/{version}", async (Guid id, string source, int version, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            QueryParameters.RequirePositive(version, "version");
            var text = await mediator.Send(new GetSourceText.Query(id, source, version), ct);
            return HttpCaching.Answer(http, ByPosition(source) ? Caching.Revalidated : Caching.Immutable,
                HttpCaching.Tag(text.Version.Sha256), () => Results.Bytes(text.Body, "text/plain; charset=utf-8"));
        }).WithName("GetSourceText").WithSummary("Read one version of a source's text").Produces<string>(200, "text/plain").ProducesProblem(404)
            .Immutable("The text's SHA-256 in hex.", unless: "the source is named by its position rather than its URL");

        source.MapGet("/texts/diff", async (Guid id, string source, string? from, string? to, IMediator mediator, CancellationToken ct) =>
            Results.Ok(await mediator.Send(new DiffSourceTexts.Query(id, source, Version(from, "from"), Version(to, "to")), ct)))
            .WithName("DiffSourceTexts").WithSummary("Compare two versions of a source's text").Produces<DiffSourceTexts.Result>().ProducesProblem(404);
    }

    /// Whether {source} is a position in the item's current sources rather than a URL (SourceReference).
    private static bool ByPosition(string source) => source.Trim() is { Length: > 0 } text && text.All(char.IsAsciiDigit);

    private static DateTimeOffset? Time(string? text) =>
        text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time
        : throw Invalid("at", "'at' must be a time such as 2016-12-29T18:00:00Z.");

    private static bool? Flag(string? text, string field) =>
        text is null ? null : bool.TryParse(text, out var flag) ? flag : throw Invalid(field, $"'{field}' must be true or false.");

    private static int Version(string? text, string field) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw Invalid(field, "Give ?from=A&to=B, two version numbers of the source's text.");

    private static ValidationException Invalid(string field, string message) => new([new ValidationFailure(field, message)]);

    /// text/plain in UTF-8; a missing charset is taken as UTF-8 (and the bytes are checked anyway).
    private static bool IsUtf8PlainText(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && string.Equals(media.MediaType, "text/plain", StringComparison.OrdinalIgnoreCase)
        && (media.CharSet is null || media.CharSet.Trim('"').ToLowerInvariant() is "utf-8" or "utf8");

    /// The body, or null when it is over the limit (read no further than that).
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > ArticleText.MaxBytes) return null;
        // A text may be larger than the service's body limit for JSON requests (OwnBodyLimit).
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = ArticleText.MaxBytes + 1;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > ArticleText.MaxBytes) return null;
        }
        return buffer.ToArray();
    }

    private static IResult TooLarge() => Results.ValidationProblem(
        new Dictionary<string, string[]>
        {
            ["text"] = [string.Create(CultureInfo.InvariantCulture, $"The text is over {ArticleText.MaxBytes} bytes (2 MB), the most a source text may have.")],
        },
        statusCode: 413, title: "The text is too large.");
}
