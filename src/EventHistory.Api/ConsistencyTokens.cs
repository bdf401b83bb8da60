using EventHistory.Infrastructure;

namespace EventHistory.Api;

/// Read-your-writes across a primary and its replica. A write answers its commit's WAL position as
/// Consistency-Token; a read that sends it back is served by the replica only once that position
/// is replayed there (ReadSource), else by the primary. Browsers get the token as a short-lived
/// cookie, so an editor's next page shows their edit without knowing of tokens.
public sealed class ConsistencyTokens(RequestDelegate next, ILogger<ConsistencyTokens> log)
{
    public const string Header = "Consistency-Token";
    public const string ReadSourceHeader = "Read-Source";
    public const string Cookie = "eh-consistency";

    public Task InvokeAsync(HttpContext http, ReadSource reads)
    {
        var given = http.Request.Headers[Header].FirstOrDefault();
        if (given is not null && !ReadSource.IsToken(given))
            return Results.Problem(statusCode: 400, title: "Bad request",
                detail: $"{Header} must be a WAL position as a write answered it (such as 0/3000148), not '{given}'.").ExecuteAsync(http);
        reads.Token = given ?? (http.Request.Cookies[Cookie] is { } kept && ReadSource.IsToken(kept) ? kept : null);

        // Once a request, though LostConnectionRetry may run this again in a new scope: the headers come from
        // the scope in force when the response starts, the run that answers.
        if (http.Items.TryAdd(typeof(ConsistencyTokens), true))
            http.Response.OnStarting(async () =>
            {
                var answering = http.RequestServices.GetRequiredService<ReadSource>();
                if (answering.Used is { } used) http.Response.Headers[ReadSourceHeader] = used;
                if (answering.HasReplica && IsWrite(http.Request.Method) && http.Response.StatusCode is >= 200 and < 400)
                    await AnswerTokenAsync(http, answering);
            });
        return next(http);
    }

    private async Task AnswerTokenAsync(HttpContext http, ReadSource reads)
    {
        try
        {
            var token = await reads.WritePositionAsync(http.RequestAborted);
            http.Response.Headers[Header] = token;
            // Long enough for any replica that is keeping up; a stale cookie only means a primary read.
            http.Response.Cookies.Append(Cookie, token, new CookieOptions
                { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromMinutes(1), Path = "/" });
        }
        catch (Exception e) when (Faults.IsDatabaseUnavailable(e))
        {
            // The write has committed; without a token the client's next read may only lag, never fail.
            log.LogWarning(e, "No consistency token for {Path}: the primary could not be asked its WAL position", http.Request.Path);
        }
    }

    private static bool IsWrite(string method) => !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method);
}
