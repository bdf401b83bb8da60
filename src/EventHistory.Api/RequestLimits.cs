namespace EventHistory.Api;

/// Refuses what is too large before anything reads it, with a problem that says the limit. Kestrel's
/// own refusals come with an empty body (414) or none of the numbers (413), so Kestrel's limits are
/// set above ours and these are the ones a client meets.
public sealed class RequestLimits(RequestDelegate next, long maxBodyBytes)
{
    /// Longest request target (path and query) we read; Kestrel's request line limit is raised above it.
    public const int MaxTargetBytes = 8 * 1024;
    public const int KestrelRequestLineBytes = 64 * 1024;

    public async Task InvokeAsync(HttpContext http)
    {
        var target = http.Request.Path.Value?.Length + http.Request.QueryString.Value?.Length ?? 0;
        if (target > MaxTargetBytes)
        {
            await Results.Problem(statusCode: 414, title: "URI too long",
                detail: $"The request's path and query are {target} characters; this service reads at most {MaxTargetBytes}. Send long values in a body.",
                extensions: new Dictionary<string, object?> { ["maxTargetLength"] = MaxTargetBytes }).ExecuteAsync(http);
            return;
        }
        if (maxBodyBytes > 0 && http.Request.ContentLength is { } length && length > maxBodyBytes
            && http.GetEndpoint()?.Metadata.GetMetadata<OwnBodyLimit>() is null)
        {
            // Said before the body is read (a client that sent Expect: 100-continue never sends it).
            http.Response.Headers.Connection = "close";
            await BindingProblems.TooLarge(length, maxBodyBytes).ExecuteAsync(http);
            return;
        }
        await next(http);
    }
}

/// On an endpoint that sets and checks its own body limit (a source article's text may be 2 MB).
public sealed record OwnBodyLimit;
