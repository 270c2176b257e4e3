using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Schemas;
using CrmChatbot.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;

namespace CrmChatbot.Storage.Mongo;

public static class MongoStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the MongoDB store for <paramref name="options"/> (one client per container, created on
    /// first use, disposed with the container), the grain storage <see cref="StorageNames.Crm"/>, the
    /// lead and user queries, the storage health check, and the index creation at start
    /// (<see cref="MongoIndexInitializer"/>: a silo lifecycle step and a hosted service). Call once per process.
    /// </summary>
    public static IServiceCollection AddMongoCrmStorage(this IServiceCollection services, MongoStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString, nameof(options));
        services.AddSingleton(_ => new MongoStore(options));
        return services.AddMongoCrmStorageServices();
    }

    /// <summary>Same, over an existing store that the caller owns and disposes (several silos or hosts in one process).</summary>
    public static IServiceCollection AddMongoCrmStorage(this IServiceCollection services, MongoStore store)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(store);
        services.AddSingleton(store);
        return services.AddMongoCrmStorageServices();
    }

    public static ISiloBuilder AddMongoCrmStorage(this ISiloBuilder builder, MongoStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMongoCrmStorage(options);
        return builder;
    }

    public static ISiloBuilder AddMongoCrmStorage(this ISiloBuilder builder, MongoStore store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMongoCrmStorage(store);
        return builder;
    }

    private static IServiceCollection AddMongoCrmStorageServices(this IServiceCollection services)
    {
        services.AddGrainStorage(StorageNames.Crm, (sp, _) => new MongoGrainStorage(sp.GetRequiredService<MongoStore>()));
        services.AddSingleton<IDocumentQueries, MongoDocumentQueries>();
        services.AddCrmQueries();
        services.AddSingleton<IStorageHealth, MongoStorageHealth>();
        services.AddIdempotencyPurge<MongoIdempotencyRecords>();
        services.AddSingleton<MongoIndexInitializer>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<MongoIndexInitializer>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<MongoIndexInitializer>());
        return services;
    }
}
