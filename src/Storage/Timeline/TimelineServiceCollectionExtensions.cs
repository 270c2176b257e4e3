using CrmChatbot.Common;
using Microsoft.Extensions.DependencyInjection;

namespace CrmChatbot.Storage.Timeline;

public static class TimelineServiceCollectionExtensions
{
    /// <summary>Entity timelines and the entity directory in the embedded store (needs AddLiteDbCrmStorage).</summary>
    public static IServiceCollection AddLiteDbCrmTimeline(this IServiceCollection services) =>
        services.AddSingleton<ITimelineStore, LiteDbTimelineStore>()
            .AddSingleton<IEntityDirectory, CrmChatbot.Storage.LiteDb.LiteDbEntityDirectory>();

    /// <summary>Entity timelines and the entity directory in MongoDB (needs AddMongoCrmStorage).</summary>
    public static IServiceCollection AddMongoCrmTimeline(this IServiceCollection services) =>
        services.AddSingleton<ITimelineStore, MongoTimelineStore>()
            .AddSingleton<IEntityDirectory, CrmChatbot.Storage.Mongo.MongoEntityDirectory>();
}
