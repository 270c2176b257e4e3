using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Schemas;
using CrmChatbot.Users;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;

namespace CrmChatbot.Storage.LiteDb;

public static class LiteDbStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the LiteDB store for <paramref name="dataDirectory"/> (opened on first use, disposed
    /// with the container), the grain storage <see cref="StorageNames.Crm"/>, the document queries
    /// (<see cref="IDocumentQueries"/>) with the lead and user queries over them and the storage health check. Call once per process.
    /// </summary>
    public static IServiceCollection AddLiteDbCrmStorage(this IServiceCollection services, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        services.AddSingleton(_ => new LiteDbStore(dataDirectory));
        return services.AddLiteDbCrmStorageServices();
    }

    /// <summary>
    /// Same, over an existing store that the caller owns and disposes: several silos (TestCluster)
    /// or hosts in one process must share ONE store.
    /// </summary>
    public static IServiceCollection AddLiteDbCrmStorage(this IServiceCollection services, LiteDbStore store)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(store);
        services.AddSingleton(store);
        return services.AddLiteDbCrmStorageServices();
    }

    public static ISiloBuilder AddLiteDbCrmStorage(this ISiloBuilder builder, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddLiteDbCrmStorage(dataDirectory);
        return builder;
    }

    public static ISiloBuilder AddLiteDbCrmStorage(this ISiloBuilder builder, LiteDbStore store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddLiteDbCrmStorage(store);
        return builder;
    }

    private static IServiceCollection AddLiteDbCrmStorageServices(this IServiceCollection services)
    {
        services.AddGrainStorage(StorageNames.Crm, (sp, _) => new LiteDbGrainStorage(sp.GetRequiredService<LiteDbStore>()));
        services.AddSingleton<IDocumentQueries, LiteDbDocumentQueries>();
        services.AddCrmQueries();
        services.AddSingleton<IStorageHealth, LiteDbStorageHealth>();
        return services;
    }
}
