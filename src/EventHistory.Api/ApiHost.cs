using EventHistory.Infrastructure;
using EventHistory.Api.OpenApi;
using EventHistory.Web;
using Npgsql;

namespace EventHistory.Api;

/// The composition root, shared by Program and the tests (which start it on a free port).
public static class ApiHost
{
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var connectionString = builder.Configuration["EVENTHISTORY_DB"]
            ?? throw new InvalidOperationException("Set EVENTHISTORY_DB to the PostgreSQL connection string.");
        var db = new NpgsqlDataSourceBuilder(Faults.FailFast(EventStore.ConnectionTuning.Apply(connectionString))).Build();
        builder.Services.AddSingleton(ReplicaFrom(builder.Configuration));
        builder.Services.AddEventHistory(db);
        builder.Services.AddProblemDetails();
        builder.AddPolicies();
        builder.Services.AddEventHistoryWeb(ApiKeyAuthentication.SchemeName);
        builder.AddProtections();
        builder.Services.AddEventHistoryOpenApi();
        if (!string.Equals(builder.Configuration["EVENTHISTORY_DAEMON"], "false", StringComparison.OrdinalIgnoreCase))
            builder.Services.AddHostedService<DaemonService>();
        // Marten's daemon reports every batch it applies at Information: keep its warnings and errors.
        builder.Logging.AddFilter("Marten.Events.Daemon", LogLevel.Warning);
        // Nor a line per request (ASP.NET's own Information logs): the console shows what needs a look.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configure?.Invoke(builder);

        var app = builder.Build();
        await ServiceRegistration.EnsureSchemaAsync(db);
        app.UseRequestLimits();
        app.UseCachingOfErrors();
        app.UseStatusCodePages(async context => await BindingProblems.ForStatus(context.HttpContext).ExecuteAsync(context.HttpContext));
        app.UseMiddleware<ProblemMapping>();
        app.UseMiddleware<LostConnectionRetry>();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseMiddleware<EditorFromRequest>();
        app.UseMiddleware<ConsistencyTokens>();
        app.Use(LostConnectionRetry.MarkEndpointBegan);
        app.MapItems();
        // Every route under /api/items/{id} goes on this one group, which carries the archive check.
        var item = app.MapItemGroup();
        item.MapItem();
        item.MapEdits();
        item.MapHistory();
        item.MapItemChanges();
        item.MapMementos();
        item.MapArticles();
        item.MapRevisionPages();
        item.MapItemStore();
        app.MapHealth();
        app.MapChanges();
        app.MapDays();
        app.MapOpenApi().RequireAuthorization(Policies.Read);
        app.MapPages();
        app.MapProjections();
        app.MapStore();
        app.MapEventHistoryWeb();
        return app;
    }

    /// EVENTHISTORY_READ_DB: a replica for the reads that tolerate lag; EVENTHISTORY_READ_WAIT_MS: how
    /// long a read with a consistency token waits for it (default 1000) before the primary serves it.
    private static Replica ReplicaFrom(IConfiguration config)
    {
        if (config["EVENTHISTORY_READ_DB"] is not { Length: > 0 } readDb) return Replica.None;
        var wait = int.TryParse(config["EVENTHISTORY_READ_WAIT_MS"], out var ms) && ms >= 0 ? ms : 1000;
        return new Replica(new NpgsqlDataSourceBuilder(Faults.FailFast(EventStore.ConnectionTuning.Apply(readDb))).Build(), TimeSpan.FromMilliseconds(wait));
    }
}
