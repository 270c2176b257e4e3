using CrmChatbot.Campaigns;
using CrmChatbot.Leads;
using CrmChatbot.Meetings;
using CrmChatbot.Storage.Schemas;
using CrmChatbot.Tickets;
using CrmChatbot.Users;
using Microsoft.Extensions.DependencyInjection;

namespace CrmChatbot.Storage.Queries;

public static class QueryServiceCollectionExtensions
{
    /// <summary>
    /// The list queries of every entity kind. They are store-neutral (over <see cref="IDocumentQueries"/>),
    /// so both stores register the same set; adding a kind is one line here.
    /// </summary>
    public static IServiceCollection AddCrmQueries(this IServiceCollection services)
    {
        KnownSchemas.Register();
        services.AddSingleton<ILeadQueries, LeadQueries>();
        services.AddSingleton<IUserQueries, UserQueries>();
        services.AddSingleton<ITicketQueries, TicketQueries>();
        services.AddSingleton<IMeetingQueries, MeetingQueries>();
        services.AddSingleton<ICampaignQueries, CampaignQueries>();
        services.AddSingleton<Chat.IChatSessionQueries, ChatSessionQueries>();
        return services;
    }
}
