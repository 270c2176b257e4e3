using CrmChatbot.Chat;
using CrmChatbot.Storage.Queries;

namespace CrmChatbot.Storage.Schemas;

/// <summary>Stored field names of <see cref="ChatSessionState"/>, inside <see cref="DocumentFields.State"/>.</summary>
public static class ChatSessionFields
{
    public static readonly string Status = SnakeCase.Convert(nameof(ChatSessionState.Status));
    public static readonly string OwnerUserId = SnakeCase.Convert(nameof(ChatSessionState.OwnerUserId));
    public static readonly string AssignedAgentId = SnakeCase.Convert(nameof(ChatSessionState.AssignedAgentId));
    public static readonly string LastActivityAt = SnakeCase.Convert(nameof(ChatSessionState.LastActivityAt));
}

/// <summary>The <c>chat_sessions</c> collection: lists are newest activity first, under each filter.</summary>
public static class ChatSessionSchema
{
    private static readonly IndexKey RecentFirst = new(ChatSessionFields.LastActivityAt, true);
    private static readonly IndexKey IdDescending = new(DocumentFields.Id, true);

    public static CollectionSchema Schema { get; } = new(ChatStorage.Sessions, typeof(ChatSessionState))
    {
        Indexes =
        [
            IndexSpec.On(RecentFirst, IdDescending),
            IndexSpec.On(ChatSessionFields.Status, RecentFirst, IdDescending),
            IndexSpec.On(ChatSessionFields.OwnerUserId, RecentFirst, IdDescending),
            IndexSpec.On(ChatSessionFields.AssignedAgentId, RecentFirst, IdDescending),
        ],
    };
}
