using CrmChatbot.Common;
using CrmChatbot.Storage.Mongo;
using Microsoft.Extensions.DependencyInjection;

namespace CrmChatbot.Storage.Timeline;

public static class TimelineServiceCollectionExtensions
{
    /// <summary>
    /// Entity timelines, ticket comments, chat sessions with their archived messages, the webhook queues, the entity store (state + outbox of its timeline entries and appended rows, appended after the write) and the entity directory in
    /// MongoDB (needs AddMongoCrmStorage). The SQLite store registers its own in AddSqliteCrmStorage.
    /// </summary>
    public static IServiceCollection AddMongoCrmTimeline(this IServiceCollection services) =>
        services.AddSingleton<MongoTimelineStore>()
            .AddSingleton<ITimelineStore>(sp => sp.GetRequiredService<MongoTimelineStore>())
            .AddSingleton<CrmChatbot.Webhooks.IEventOutbox>(sp => sp.GetRequiredService<MongoTimelineStore>())
            .AddSingleton<MongoTicketCommentStore>()
            .AddSingleton<CrmChatbot.Tickets.ITicketCommentStore>(sp => sp.GetRequiredService<MongoTicketCommentStore>())
            .AddSingleton<MongoChatMessages>()
            .AddSingleton<CrmChatbot.Webhooks.IWebhookQueue, MongoWebhookQueue>()
            .AddSingleton(sp => new MongoEntityStore(
                new MongoGrainStorage(sp.GetRequiredService<MongoStore>()),
                sp.GetRequiredService<ITimelineStore>(),
                // The collections whose rows entity writes append (through the document's outbox).
                new AppendOnlyCollections()
                    .Add<CrmChatbot.Tickets.TicketComment>(sp.GetRequiredService<MongoTicketCommentStore>())
                    .Add<CrmChatbot.Chat.ArchivedChatMessage>(sp.GetRequiredService<MongoChatMessages>()),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<MongoEntityStore>>()))
            .AddSingleton<IEntityStore>(sp => sp.GetRequiredService<MongoEntityStore>())
            .AddSingleton<CrmChatbot.Chat.IChatSessionStore>(sp => new MongoChatSessionStore(
                new MongoGrainStorage(sp.GetRequiredService<MongoStore>()),
                sp.GetRequiredService<IEntityStore>(),
                sp.GetRequiredService<MongoChatMessages>()))
            .AddSingleton<IEntityDirectory, MongoEntityDirectory>();
}
