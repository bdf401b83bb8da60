using EventHistory.EventStore;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using EventHistory.Projections;
using FluentValidation;
using Marten;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace EventHistory;

/// The composition of the domain: the one place that knows every folder, so no folder needs another above it.
public static class ServiceRegistration
{
    /// Everything the front doors share: the store, its projections, MediatR and the validators.
    /// MediatR 5 has no container integration package here, so handlers are registered by scanning.
    public static IServiceCollection AddEventHistory(this IServiceCollection services, NpgsqlDataSource db)
    {
        services.AddSingleton(db);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(DomainEventTypes.Register(new EventTypes()));
        services.AddSingleton<IInlineProjection, NewsItemProjection>();
        services.AddSingleton<IInlineProjection, Articles.SourceTextProjection>();
        // Marten's own registration: IDocumentStore, and lightweight IDocumentSession and IQuerySession
        // per scope, all from the one configuration (MartenStore.Configure); the store appends through it.
        services.AddMarten(sp => MartenStore.Configure(db, sp.GetRequiredService<EventTypes>(), migrate: false,
            sp.GetServices<EventStore.Daemon.AsyncProjection>())).UseLightweightSessions();
        services.AddSingleton<EventStore.EventStore>();
        services.AddScoped<EditorContext>();
        services.TryAddSingleton(Replica.None);
        services.AddScoped<ReadSource>();
        services.AddScoped<ItemEditor>();
        services.AddSingleton<ItemStates>();
        services.AddSingleton<Access.ApiKeys>();
        services.AddProjectionDaemon();

        services.AddScoped<ServiceFactory>(sp => sp.GetService!);
        services.AddScoped<IMediator, Mediator>();
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(RequestFingerprint<,>));
        foreach (var type in typeof(ServiceRegistration).Assembly.GetTypes().Where(t => t is { IsAbstract: false, IsInterface: false }))
        {
            foreach (var contract in type.GetInterfaces().Where(i => i.IsGenericType))
            {
                var definition = contract.GetGenericTypeDefinition();
                if (definition == typeof(IRequestHandler<,>) || definition == typeof(IValidator<>))
                    services.AddTransient(contract, type);
            }
        }
        return services;
    }

    /// Creates the store's and the projections' tables (idempotent, safe to run from many processes).
    public static Task EnsureSchemaAsync(NpgsqlDataSource db, CancellationToken ct = default) =>
        EventStoreSchema.EnsureCreatedAsync(db, [
            EventStoreSchema.ReadResource("EventHistory.Projections.Schema.sql", typeof(ServiceRegistration).Assembly),
            EventStoreSchema.ReadResource("EventHistory.Articles.Schema.sql", typeof(ServiceRegistration).Assembly),
            EventStoreSchema.ReadResource(StoreRegistration.AsyncSchema, typeof(ServiceRegistration).Assembly),
        ], ct);
}
