using CrmChatbot.Common;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Reminders;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;

namespace CrmChatbot.Storage.Sqlite;

public static class SqliteStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the SQLite store for <paramref name="dataDirectory"/> (opened on first use, disposed with the
    /// container) and everything on it: the grain storage <see cref="StorageNames.Crm"/>, the entity store (state and
    /// timeline in one transaction), the timeline, the entity directory, the document queries with the query classes
    /// over them, and the storage health check. Reminders: <see cref="AddSqliteCrmReminders"/>. Call once per process.
    /// </summary>
    public static IServiceCollection AddSqliteCrmStorage(
        this IServiceCollection services, string dataDirectory, SqliteDurability durability = SqliteDurability.Full)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        services.AddSingleton(_ => new SqliteStore(dataDirectory, durability));
        return services.AddSqliteCrmStorageServices();
    }

    /// <summary>
    /// Same, over an existing store that the caller owns and disposes: several silos (TestCluster) or hosts in one
    /// process must share ONE store.
    /// </summary>
    public static IServiceCollection AddSqliteCrmStorage(this IServiceCollection services, SqliteStore store)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(store);
        services.AddSingleton(store);
        return services.AddSqliteCrmStorageServices();
    }

    /// <summary>Enables Orleans reminders on the silo, stored in the SQLite store's <c>reminders</c> table.</summary>
    public static IServiceCollection AddSqliteCrmReminders(this IServiceCollection services) =>
        services.AddCrmReminderTable(sp => new SqliteReminderTable(sp.GetRequiredService<SqliteStore>()));

    private static IServiceCollection AddSqliteCrmStorageServices(this IServiceCollection services)
    {
        services.AddSingleton(sp => new SqliteGrainStorage(sp.GetRequiredService<SqliteStore>()));
        services.AddGrainStorage(StorageNames.Crm, (sp, _) => sp.GetRequiredService<SqliteGrainStorage>());
        services.AddSingleton<SqliteEntityStore>();
        services.AddSingleton<IEntityStore>(sp => sp.GetRequiredService<SqliteEntityStore>());
        services.AddSingleton<CrmChatbot.Chat.IChatSessionStore, SqliteChatSessionStore>();
        services.AddSingleton<ITimelineStore, SqliteTimelineStore>();
        services.AddSingleton<CrmChatbot.Webhooks.IEventOutbox, SqliteEventOutbox>();
        services.AddSingleton<CrmChatbot.Webhooks.IWebhookQueue, SqliteWebhookQueue>();
        services.AddSingleton<CrmChatbot.Tickets.ITicketCommentStore, SqliteTicketCommentStore>();
        services.AddSingleton<IEntityDirectory, SqliteEntityDirectory>();
        services.AddSingleton<IDocumentQueries, SqliteDocumentQueries>();
        services.AddCrmQueries();
        services.AddSingleton<IStorageHealth, SqliteStorageHealth>();
        services.AddIdempotencyPurge<SqliteIdempotencyRecords>();
        services.AddSingleton<IStoreBackup>(sp => new SqliteStoreBackup(
            sp.GetRequiredService<SqliteStore>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }
}
