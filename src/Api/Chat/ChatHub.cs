using CrmChatbot.Api.Auth;
using CrmChatbot.Chat;
using Microsoft.AspNetCore.SignalR;

namespace CrmChatbot.Api.Chat;

/// <summary>
/// Live chat at <c>/hubs/chat</c>. Signed-in users connect with <c>?access_token=</c>; visitors with
/// <c>?session_id=&amp;chat_token=</c> (joined to their session at once). Events: <c>message</c>,
/// <c>status</c>, <c>queue</c> (see <see cref="HubChatNotifier"/>). In a cluster a connection hears every
/// change, whichever silo it was made through (<see cref="IChatBroadcast"/>).
/// </summary>
public sealed class ChatHub(IGrainFactory grains) : Hub
{
    public override async Task OnConnectedAsync()
    {
        var query = Context.GetHttpContext()?.Request.Query;
        if (query?["session_id"].ToString() is { Length: > 0 } sessionId && Caller().Token is not null)
        {
            // A visitor's own session; a wrong token simply joins nothing (JoinSession says why).
            if (await FindAsync(sessionId) is not null)
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, HubChatNotifier.SessionGroup(sessionId));
            }
        }

        await base.OnConnectedAsync();
    }

    /// <summary>Follows one session (access-checked like GET); returns it with its transcript.</summary>
    public async Task<ChatSessionDto> JoinSession(string sessionId)
    {
        var session = await FindAsync(sessionId) ?? throw new HubException("Chat session not found.");
        await Groups.AddToGroupAsync(Context.ConnectionId, HubChatNotifier.SessionGroup(sessionId));
        return session;
    }

    public async Task LeaveSession(string sessionId) =>
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, HubChatNotifier.SessionGroup(sessionId));

    /// <summary>Staff only: the queue and every conversation in human hands.</summary>
    public async Task JoinAgents()
    {
        if (!Caller().IsStaff)
        {
            throw new HubException("Only agents and admins may join the agents' channel.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, HubChatNotifier.AgentsGroup);
    }

    private async Task<ChatSessionDto?> FindAsync(string sessionId) =>
        Http.EntityIds.IsPlausible(sessionId) ? await grains.GetGrain<IChatSessionGrain>(sessionId).GetAsync(Caller()) : null;

    private ChatCaller Caller()
    {
        var user = Context.User?.Identity?.IsAuthenticated == true ? Context.User.ToActor() : null;
        var token = Context.GetHttpContext()?.Request.Query["chat_token"].ToString();
        return new ChatCaller(user, string.IsNullOrEmpty(token) ? null : token);
    }
}
