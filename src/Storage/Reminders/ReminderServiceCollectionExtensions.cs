using CrmChatbot.Storage.Mongo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans;
using Orleans.Hosting;

namespace CrmChatbot.Storage.Reminders;

public static class ReminderServiceCollectionExtensions
{
    /// <summary>
    /// Enables Orleans reminders on the silo, stored in the MongoDB store's <c>reminders</c> collection
    /// (same row layout as SQLite; indexes created when the reminder service starts the table).
    /// Needs the <see cref="MongoStore"/> that <c>AddMongoCrmStorage</c> registers.
    /// </summary>
    public static ISiloBuilder AddMongoCrmReminders(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMongoCrmReminders();
        return builder;
    }

    /// <inheritdoc cref="AddMongoCrmReminders(ISiloBuilder)"/>
    public static IServiceCollection AddMongoCrmReminders(this IServiceCollection services) =>
        services.AddCrmReminderTable(sp => new MongoReminderTable(sp.GetRequiredService<MongoStore>()));

    /// <summary>
    /// Enables Orleans reminders (the silo's reminder service) over <paramref name="tableFactory"/>'s
    /// table, replacing any reminder table registered before. One table per silo.
    /// </summary>
    public static IServiceCollection AddCrmReminderTable(
        this IServiceCollection services, Func<IServiceProvider, IReminderTable> tableFactory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(tableFactory);
        services.AddReminders();
        services.RemoveAll<IReminderTable>();
        services.AddSingleton(tableFactory);
        return services;
    }
}
