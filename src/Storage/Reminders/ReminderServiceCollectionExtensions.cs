using CrmChatbot.Storage.LiteDb;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans;
using Orleans.Hosting;

namespace CrmChatbot.Storage.Reminders;

public static class ReminderServiceCollectionExtensions
{
    /// <summary>
    /// Enables Orleans reminders on the silo, stored in the LiteDB store's <c>reminders</c> collection.
    /// Needs the <see cref="LiteDbStore"/> that <c>AddLiteDbCrmStorage</c> registers.
    /// </summary>
    public static ISiloBuilder AddLiteDbCrmReminders(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddLiteDbCrmReminders();
        return builder;
    }

    /// <inheritdoc cref="AddLiteDbCrmReminders(ISiloBuilder)"/>
    public static IServiceCollection AddLiteDbCrmReminders(this IServiceCollection services) =>
        services.AddCrmReminderTable(sp => new LiteDbReminderTable(sp.GetRequiredService<LiteDbStore>()));

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
