namespace EventHistory.Api;

/// A read (GET or HEAD) that meets a lost database connection runs once more on fresh connections
/// before the client hears of it. After a failover or a restart of PostgreSQL every idle pooled
/// connection points at a session that has ended; the first request to take one would answer 503
/// although the database serves again. A read has nothing to undo, so it is run again whole
/// (authentication included) in a new request scope, after the pools are cleared. A write is never
/// run twice behind the client's back: it answers 503 + Retry-After (ProblemMapping), and the
/// client sends it again, with its Idempotency-Key.
public sealed class ReadRetry(RequestDelegate next, IServiceScopeFactory scopes, ILogger<ReadRetry> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            await next(http);
            return;
        }
        try
        {
            await next(http);
        }
        catch (Exception e) when (Faults.IsLostConnection(e) && !http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            log.LogWarning("A read met a lost database connection ({Error}); it runs again on fresh connections.", e.Message);
            Faults.ClearPools(http.RequestServices);
            http.Response.Clear();
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
}
