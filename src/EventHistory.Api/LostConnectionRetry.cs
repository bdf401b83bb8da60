namespace EventHistory.Api;

/// A request that meets a lost database connection runs once more on fresh connections before the
/// client hears of it, when running it again cannot write anything twice. After a failover or a
/// restart of PostgreSQL every idle pooled connection points at a session that has ended; the first
/// request to take one would answer 503 although the database serves again.
/// - A read (GET or HEAD) always runs again: it has nothing to undo.
/// - A write runs again only when it failed before its endpoint began: in authentication, which only
///   reads the caller's key, with its body still unread. Once the endpoint has begun, the write may
///   have reached the database, so it is never run twice behind the client's back: it answers 503 +
///   Retry-After (ProblemMapping), and the client sends it again, with its Idempotency-Key.
/// The request runs again whole (authentication included) in a new request scope, after the pools
/// are cleared.
public sealed class LostConnectionRetry(RequestDelegate next, IServiceScopeFactory scopes, ILogger<LostConnectionRetry> log)
{
    private static readonly object EndpointBegan = new();

    /// Put right before the endpoints, after the middleware that only reads: from here on a write
    /// may reach the database.
    public static Task MarkEndpointBegan(HttpContext http, RequestDelegate next)
    {
        http.Items[EndpointBegan] = true;
        return next(http);
    }

    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (Exception e) when (Faults.IsLostConnection(e) && CanRunAgain(http) && !http.Response.HasStarted
                                  && !http.RequestAborted.IsCancellationRequested)
        {
            log.LogWarning("{Method} {Path} met a lost database connection ({Error}); it runs again on fresh connections.",
                http.Request.Method, http.Request.Path, e.Message);
            Faults.ClearPools(http.RequestServices);
            http.Response.Clear();
            http.Items.Remove(EndpointBegan);
            // A new scope: the first run's services (its authentication handler's cached result, say) saw the failure.
            var first = http.RequestServices;
            await using var fresh = scopes.CreateAsyncScope();
            http.RequestServices = fresh.ServiceProvider;
            try
            {
                await next(http);
            }
            finally
            {
                http.RequestServices = first;
            }
        }
    }

    private static bool CanRunAgain(HttpContext http) =>
        HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || !http.Items.ContainsKey(EndpointBegan);
}
