using CrmChatbot.Storage.Mongo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;

namespace CrmChatbot.Storage.Membership;

public static class MongoClusteringExtensions
{
    /// <summary>
    /// Cluster membership in the MongoDB store's <see cref="MembershipDocument.Collection"/> collection, one
    /// document per <see cref="ClusterOptions.ClusterId"/>. Needs the <see cref="MongoStore"/> that
    /// <c>AddMongoCrmStorage</c> registers; replaces any membership table registered before.
    /// </summary>
    public static ISiloBuilder UseMongoClustering(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IMembershipTable>();
        builder.Services.AddSingleton<IMembershipTable>(sp => new MongoMembershipTable(
            sp.GetRequiredService<MongoStore>(), sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId));
        return builder;
    }

    /// <summary>
    /// Dead silos' rows are removed from the table <paramref name="defunctSiloExpiration"/> after their last sign of
    /// life (start, heartbeat or a death vote); the first active silo checks every <paramref name="cleanupPeriod"/>
    /// (and whenever membership changes) and calls <see cref="IMembershipTable.CleanupDefunctSiloEntriesAsync"/>.
    /// </summary>
    public static ISiloBuilder ConfigureDefunctSiloCleanup(this ISiloBuilder builder, TimeSpan cleanupPeriod, TimeSpan defunctSiloExpiration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cleanupPeriod, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(defunctSiloExpiration, TimeSpan.Zero);
        return builder.Configure<ClusterMembershipOptions>(options =>
        {
            options.DefunctSiloCleanupPeriod = cleanupPeriod;
            options.DefunctSiloExpiration = defunctSiloExpiration;
        });
    }

    /// <summary>
    /// A client finds the gateways of the active silos in the membership document its cluster's silos
    /// write, over <paramref name="store"/> (owned and disposed by the caller).
    /// </summary>
    public static IClientBuilder UseMongoClustering(this IClientBuilder builder, MongoStore store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(store);
        return builder.UseMongoClustering(_ => store);
    }

    /// <summary>Same, over a store for <paramref name="options"/> created on first use and disposed with the client's container.</summary>
    public static IClientBuilder UseMongoClustering(this IClientBuilder builder, MongoStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder.Services.TryAddSingleton(_ => new MongoStore(options));
        return builder.UseMongoClustering(sp => sp.GetRequiredService<MongoStore>());
    }

    private static IClientBuilder UseMongoClustering(this IClientBuilder builder, Func<IServiceProvider, MongoStore> store)
    {
        builder.Services.RemoveAll<IGatewayListProvider>();
        builder.Services.AddSingleton<IGatewayListProvider>(sp => new MongoGatewayListProvider(
            store(sp),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId,
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod));
        return builder;
    }
}
