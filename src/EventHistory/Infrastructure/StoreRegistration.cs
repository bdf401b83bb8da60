using EventHistory.EventStore.Daemon;
using EventHistory.Projections;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Infrastructure;

public static class StoreRegistration
{
    /// The async projections, the daemon that keeps them and the rebuilders.
    public static IServiceCollection AddProjectionDaemon(this IServiceCollection services)
    {
        services.AddSingleton<IAsyncProjection, StreamEventCountsProjection>();
        services.AddSingleton<IAsyncProjection, ItemSearchProjection>();
        services.AddSingleton<NewsItemProjection>();
        services.AddSingleton(DaemonOptions.FromEnvironment());
        services.AddSingleton<ProjectionDaemon>();
        services.AddSingleton<ProjectionRebuilder>();
        services.AddSingleton<ShadowRebuild>();
        services.AddSingleton<ProjectionCatalog>();
        return services;
    }

    public const string AsyncSchema = "EventHistory.Projections.AsyncSchema.sql";
}
