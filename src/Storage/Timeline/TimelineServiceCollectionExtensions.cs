using CrmChatbot.Common;
using Microsoft.Extensions.DependencyInjection;

namespace CrmChatbot.Storage.Timeline;

public static class TimelineServiceCollectionExtensions
{
    /// <summary>Entity timelines in the embedded store (needs AddLiteDbCrmStorage).</summary>
    public static IServiceCollection AddLiteDbCrmTimeline(this IServiceCollection services) =>
        services.AddSingleton<ITimelineStore, LiteDbTimelineStore>();

    /// <summary>Entity timelines in MongoDB (needs AddMongoCrmStorage).</summary>
    public static IServiceCollection AddMongoCrmTimeline(this IServiceCollection services) =>
        services.AddSingleton<ITimelineStore, MongoTimelineStore>();
}
