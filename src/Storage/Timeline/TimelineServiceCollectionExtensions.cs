using CrmChatbot.Common;
using CrmChatbot.Storage.Mongo;
using Microsoft.Extensions.DependencyInjection;

namespace CrmChatbot.Storage.Timeline;

public static class TimelineServiceCollectionExtensions
{
    /// <summary>
    /// Entity timelines, ticket comments, chat sessions with their archived messages, the webhook queues, the entity store (state + outbox, appended after the write) and the entity directory in
    /// MongoDB (needs AddMongoCrmStorage). The SQLite store registers its own in AddSqliteCrmStorage.
    /// </summary>
    public static IServiceCollection AddMongoCrmTimeline(this IServiceCollection services) =>
        services.AddSingleton<MongoTimelineStore>()
            .AddSingleton<ITimelineStore>(sp => sp.GetRequiredService<MongoTimelineStore>())
            .AddSingleton<CrmChatbot.Webhooks.IEventOutbox>(sp => sp.GetRequiredService<MongoTimelineStore>())
            .AddSingleton<CrmChatbot.Tickets.ITicketCommentStore, MongoTicketCommentStore>()
            .AddSingleton<CrmChatbot.Webhooks.IWebhookQueue, MongoWebhookQueue>()
            .AddSingleton(sp => new MongoEntityStore(
                new MongoGrainStorage(sp.GetRequiredService<MongoStore>()),
                sp.GetRequiredService<ITimelineStore>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<MongoEntityStore>>()))
            .AddSingleton<IEntityStore>(sp => sp.GetRequiredService<MongoEntityStore>())
            .AddSingleton<CrmChatbot.Chat.IChatSessionStore>(sp => new MongoChatSessionStore(
                sp.GetRequiredService<MongoStore>(),
                new MongoGrainStorage(sp.GetRequiredService<MongoStore>()),
                sp.GetRequiredService<MongoEntityStore>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<MongoChatSessionStore>>()))
            .AddSingleton<IEntityDirectory, MongoEntityDirectory>();
}
