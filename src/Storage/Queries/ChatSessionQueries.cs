using CrmChatbot.Chat;
using CrmChatbot.Common;
using CrmChatbot.Storage.Schemas;

namespace CrmChatbot.Storage.Queries;

/// <summary>Chat session lists from the <c>chat_sessions</c> collection through <see cref="IDocumentQueries"/>, on any store.</summary>
public sealed class ChatSessionQueries : IChatSessionQueries
{
    private readonly IDocumentQueries _documents;

    public ChatSessionQueries(IDocumentQueries documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        _documents = documents;
    }

    public async Task<Page<ChatSessionSummaryDto>> ListAsync(ChatSessionListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueryRules.ValidatePaging(query.Limit, query.Offset);

        var filters = new List<FieldFilter>();
        if (query.Status is { } status)
        {
            filters.Add(FieldFilter.Eq(ChatSessionFields.Status, status));
        }

        if (query.OwnerUserId is { } owner)
        {
            filters.Add(FieldFilter.Eq(ChatSessionFields.OwnerUserId, owner));
        }

        if (query.AssignedAgentId is { } agent)
        {
            filters.Add(FieldFilter.Eq(ChatSessionFields.AssignedAgentId, agent));
        }

        return await _documents.PageAsync<ChatSessionState, ChatSessionSummaryDto>(
            ChatStorage.Sessions,
            DocumentQuery.Page(filters, ChatSessionFields.LastActivityAt, descending: true, query.Limit, query.Offset),
            d => d.State.ToSummary(d.Id),
            cancellationToken).ConfigureAwait(false);
    }
}
