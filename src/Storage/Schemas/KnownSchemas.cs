using CrmChatbot.Storage.Queries;

namespace CrmChatbot.Storage.Schemas;

/// <summary>Every collection schema of the application. Add one line here per new entity kind.</summary>
public static class KnownSchemas
{
    public static IReadOnlyList<CollectionSchema> All { get; } =
    [
        LeadSchema.Schema,
        UserSchema.Schema,
        CampaignSchema.Schema,
        TicketSchema.Schema,
        MeetingSchema.Schema,
        ChatSessionSchema.Schema,
        IdempotencySchema.Schema,
    ];

    /// <summary>Validates and registers every schema in <see cref="CollectionSchemas"/>. Idempotent; called by both stores.</summary>
    public static void Register()
    {
        foreach (var schema in All)
        {
            CollectionSchemas.Register(schema);
        }
    }
}
