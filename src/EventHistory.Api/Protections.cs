using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using Npgsql;

namespace EventHistory.Api;

/// What keeps one caller, a bad request or a missing database from hurting the service:
/// a request body limit, a rate limit per key, health endpoints.
/// Settings (generous by default so tests and benches are not throttled; 0 turns a limit off):
///   EVENTHISTORY_MAX_BODY_BYTES   largest request body (default 1 MiB), larger is 413
///   EVENTHISTORY_RATE_PER_SECOND  requests a key (or an anonymous address) may make per second (default 1000)
///   EVENTHISTORY_RATE_BURST       how many of them may come at once (default 2 x the rate)
public static class Protections
{
    public static void AddProtections(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var maxBody = Setting(config, "EVENTHISTORY_MAX_BODY_BYTES", 1 << 20);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = maxBody > 0 ? maxBody : null;
            k.Limits.MaxRequestLineSize = RequestLimits.KestrelRequestLineBytes;
            k.Limits.MaxRequestHeadersTotalSize = Math.Max(k.Limits.MaxRequestHeadersTotalSize, RequestLimits.KestrelRequestLineBytes);
        });
        builder.Services.AddSingleton(new MaxBodyBytes(maxBody));

        // Bad input reaches ProblemMapping as an exception, so it gets a problem body that names the field.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // A body means exactly what it says: an unknown or misspelt field ("summry", "HEADLINE": names
        // are case-sensitive) is refused by name rather than dropped, and a field given twice is refused
        // rather than the last one silently winning.
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.PropertyNameCaseInsensitive = false;
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        });

        var perSecond = Setting(config, "EVENTHISTORY_RATE_PER_SECOND", 1000);
        var burst = Setting(config, "EVENTHISTORY_RATE_BURST", perSecond * 2);
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                perSecond <= 0
                    ? RateLimitPartition.GetNoLimiter("unlimited")
                    : RateLimitPartition.GetTokenBucketLimiter(Caller(http), _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = (int)Math.Max(burst, 1),
                        TokensPerPeriod = (int)perSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            o.OnRejected = async (context, ct) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: 429, title: "Too many requests",
                    detail: $"This key may make {perSecond} requests a second. Wait and retry.").ExecuteAsync(context.HttpContext);
            };
        });
    }

    /// The request limits, first in the pipeline: nothing reads a request that is too large.
    public static void UseRequestLimits(this WebApplication app) =>
        app.UseMiddleware<RequestLimits>(app.Services.GetRequiredService<MaxBodyBytes>().Value);

    private sealed record MaxBodyBytes(long Value);

    /// The key's name when there is one, else the client's address: one bucket each.
    private static string Caller(HttpContext http) =>
        http.User.Identity is { IsAuthenticated: true, Name: { } name }
            ? "key:" + name
            : "address:" + http.Connection.RemoteIpAddress;

    /// /health/live answers while the process runs; /health/ready only while the database answers too.
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").AllowAnonymous().DisableRateLimiting();
        health.MapGet("/live", () => Results.Ok(new { status = "live" })).WithName("Live").WithSummary("Whether the process runs");
        health.MapGet("/ready", async (NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                await using var cmd = db.CreateCommand("select 1");
                await cmd.ExecuteScalarAsync(timeout.Token);
                return Results.Ok(new { status = "ready" });
            }
            catch (Exception e) when (Faults.IsDatabaseUnavailable(e) || e is OperationCanceledException)
            {
                Faults.ClearPools(http.RequestServices);
                http.Response.Headers.RetryAfter = Faults.RetryAfterSeconds;
                return Results.Problem(statusCode: 503, title: "Not ready", detail: "The database cannot be reached.");
            }
        }).WithName("Ready").WithSummary("Whether the database answers").Produces(200).ProducesProblem(503);
    }

    private static long Setting(IConfiguration config, string name, long fallback) =>
        long.TryParse(config[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
