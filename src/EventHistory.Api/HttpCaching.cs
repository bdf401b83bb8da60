using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EventHistory.Api;

/// How long a cache may keep a read (RFC 9111), declared on the endpoint (.Immutable(), .Revalidated()).
public enum Caching
{
    /// A representation that never changes (a revision, a diff between two given revisions, a past
    /// page): a cache may keep and serve it for a year without asking again.
    Immutable,

    /// A current view: a cache may keep it but must ask again (If-None-Match) before each use.
    Revalidated,
}

/// Unless: when an immutable read is only revalidated (a diff to the current revision), for the document.
public sealed record CachingMetadata(Caching Caching, string ETagMeaning, string? Unless = null);

/// Whether reads need a key (EVENTHISTORY_OPEN_READS=false): then an answer was for its key's holder
/// only, and only a private cache (the holder's browser) may keep it, never a shared one (a CDN).
public sealed record ReadAccess(bool Open);

/// Strong ETags, Cache-Control and the 304 to If-None-Match (RFC 9110 13.1.2) for the reads that
/// declare a CachingMetadata. A handler finds the answer (a tag for something gone must not get a
/// 304), then calls Answer with its identity: when the client already has that representation it
/// gets a 304 with no body, and where the identity is known without rendering, nothing is rendered.
public static class HttpCaching
{
    public const int Year = 31536000;

    public static TBuilder Immutable<TBuilder>(this TBuilder builder, string etagMeaning, string? unless = null) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new CachingMetadata(Caching.Immutable, etagMeaning, unless));

    public static TBuilder Revalidated<TBuilder>(this TBuilder builder, string etagMeaning) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new CachingMetadata(Caching.Revalidated, etagMeaning));

    /// The Cache-Control an answer gets: `public` only while reads are open (the same bytes for everyone).
    public static string CacheControl(Caching caching, bool openReads) =>
        (openReads ? "public, " : "private, ") + (caching == Caching.Immutable ? $"max-age={Year}, immutable" : "no-cache");

    /// A strong ETag from an identity such as "3" or "1-3" (quotes are added).
    public static string Tag(string identity) => $"\"{identity}\"";

    public static string Tag(long number) => Tag(number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// A strong ETag from the exact bytes, where no shorter identity says what they are.
    public static string TagOf(ReadOnlySpan<byte> bytes) =>
        Tag(Convert.ToBase64String(SHA256.HashData(bytes)[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_'));

    /// Sets ETag and Cache-Control; a 304 when If-None-Match already names this ETag, else render().
    public static IResult Answer(HttpContext http, Caching caching, string etag, Func<IResult> render) =>
        Fresh(http, caching, etag) ? NotModified : render();

    public static async Task<IResult> AnswerAsync(HttpContext http, Caching caching, string etag, Func<Task<IResult>> render) =>
        Fresh(http, caching, etag) ? NotModified : await render();

    private static readonly IResult NotModified = Results.StatusCode(StatusCodes.Status304NotModified);

    /// Whether the client's copy is this one; either way the answer says what this one is.
    private static bool Fresh(HttpContext http, Caching caching, string etag)
    {
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = CacheControl(caching, http.RequestServices.GetRequiredService<ReadAccess>().Open);
        return NoneMatch(http.Request, etag);
    }

    /// JSON as Results.Ok writes it, with the hash of its bytes as the ETag: for views whose content
    /// has no cheaper identity (a day, a feed page, a list).
    public static IResult Json<T>(HttpContext http, Caching caching, T value)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, options);
        return Answer(http, caching, TagOf(bytes), () => Results.Bytes(bytes, "application/json; charset=utf-8"));
    }

    /// Text with the hash of its UTF-8 bytes as the ETag.
    public static IResult Text(HttpContext http, Caching caching, string text, string contentType)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return Answer(http, caching, TagOf(bytes), () => Results.Bytes(bytes, contentType));
    }

    /// If-None-Match compares weakly (RFC 9110 13.1.2): W/"3" matches "3", and * matches any
    /// representation (this is only asked once there is one). A malformed header matches nothing.
    public static bool NoneMatch(HttpRequest request, string etag)
    {
        var given = request.Headers.IfNoneMatch;
        if (given.Count == 0) return false;
        if (!EntityTagHeaderValue.TryParseList(given, out var tags)) return false;
        var ours = EntityTagHeaderValue.Parse(etag);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(ours, useStrongComparison: false));
    }

    /// Errors are never cached: an endpoint that caches its answers sends no ETag and `no-store` with
    /// a 4xx or 5xx, whoever answered it (a handler, the archive check, authorization, the rate limit),
    /// so a revision not written yet or an outage is not served from a cache once it has passed.
    public static void UseCachingOfErrors(this WebApplication app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<CachingMetadata>() is not null)
            http.Response.OnStarting(() =>
            {
                if (http.Response.StatusCode >= 400)
                {
                    http.Response.Headers.Remove(HeaderNames.ETag);
                    http.Response.Headers.CacheControl = "no-store";
                }
                return Task.CompletedTask;
            });
        await next(http);
    });
}
