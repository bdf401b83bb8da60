using EventHistory.EventStore.Daemon;
using EventHistory.Projections;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory;

public static class StoreRegistration
{
    /// The async projections (registered with Marten by the EventStore), Marten's daemon that keeps
    /// them, and the rebuilders.
    public static IServiceCollection AddProjectionDaemon(this IServiceCollection services)
    {
        services.AddSingleton<AsyncProjection, StreamEventCountsProjection>();
        services.AddSingleton<AsyncProjection, ItemSearchProjection>();
        services.AddSingleton<NewsItemProjection>();
        services.AddSingleton<AsyncDaemon>();
        services.AddSingleton<ProjectionRebuilder>();
        services.AddSingleton<ShadowRebuild>();
        services.AddSingleton<ProjectionCatalog>();
        return services;
    }

    public const string AsyncSchema = "EventHistory.Projections.AsyncSchema.sql";
}
