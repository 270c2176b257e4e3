using CrmChatbot.Chat;
using CrmChatbot.Common;
using Microsoft.AspNetCore.SignalR;

namespace CrmChatbot.Api.Chat;

/// <summary>
/// Live chat at <c>/hubs/chat</c>. Signed-in users connect with <c>?access_token=</c>; visitors with
/// <c>?session_id=&amp;chat_token=</c> (joined to their session at once). Events: <c>message</c>,
/// <c>status</c>, <c>queue</c> (see <see cref="HubChatNotifier"/>). In a cluster a connection hears every
/// change, whichever silo it was made through (<see cref="IChatBroadcast"/>).
/// A signed-in connection acts and hears only while its account is in good standing, checked on every
/// invocation by <see cref="ChatHubAccountFilter"/> and on every delivery (<see cref="ChatHubConnections"/>);
/// the caller's role below is therefore the account's current one. Access per method:
/// <list type="bullet">
/// <item><c>JoinSession(id)</c>: whoever may GET the session (owner, staff, the visitor holding its token); else an error.</item>
/// <item><c>LeaveSession(id)</c>: anyone (it only stops updates).</item>
/// <item><c>JoinAgents()</c>: agents and admins; else an error.</item>
/// </list>
/// </summary>
public sealed class ChatHub(IGrainFactory grains, ChatHubConnections connections) : Hub
{
    public override async Task OnConnectedAsync()
    {
        var query = Context.GetHttpContext()?.Request.Query;
        if (query?["session_id"].ToString() is { Length: > 0 } sessionId && Caller().Token is not null)
        {
            // A visitor's own session; a wrong token simply joins nothing (JoinSession says why).
            if (await FindAsync(sessionId) is not null)
            {
                await connections.JoinSessionAsync(Context, sessionId);
            }
        }

        await base.OnConnectedAsync();
    }

    /// <summary>Follows one session (access-checked like GET); returns it with its transcript.</summary>
    public async Task<ChatSessionDto> JoinSession(string sessionId)
    {
        var session = await FindAsync(sessionId) ?? throw new HubException("Chat session not found.");
        await connections.JoinSessionAsync(Context, sessionId);
        return session;
    }

    public Task LeaveSession(string sessionId) => connections.LeaveSessionAsync(Context, sessionId);

    /// <summary>Staff only: the queue and every conversation in human hands.</summary>
    public async Task JoinAgents()
    {
        if (connections.Find(Context.ConnectionId) is not { } connection || !await connections.JoinAgentsAsync(connection))
        {
            throw new HubException("Only agents and admins may join the agents' channel.");
        }
    }

    private async Task<ChatSessionDto?> FindAsync(string sessionId) =>
        Http.EntityIds.IsPlausible(sessionId) ? await grains.Reference<IChatSessionGrain>(sessionId).GetAsync(Caller()) : null;

    /// <summary>The signed-in user as last checked (role unchanged since connect, or it would be revoked), and any visitor token.</summary>
    private ChatCaller Caller()
    {
        var user = connections.Find(Context.ConnectionId) is { Revoked: false } connection ? connection.Actor : null;
        if (user is null && Context.User?.Identity?.IsAuthenticated == true)
        {
            // A signed-in connection that is no longer tracked has been revoked: it gets no visitor rights either.
            throw new HubException(ChatHubAccountFilter.Refused);
        }

        var token = Context.GetHttpContext()?.Request.Query["chat_token"].ToString();
        return new ChatCaller(user, string.IsNullOrEmpty(token) ? null : token);
    }
}
