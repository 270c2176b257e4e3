using CrmChatbot.Chat;
using Microsoft.AspNetCore.SignalR;

namespace CrmChatbot.Api.Chat;

/// <summary>A transcript message as pushed live: the message and its session.</summary>
public sealed record ChatMessageEvent(
    string SessionId, string Id, ChatRole Role, string Text, DateTime At, string? AuthorId, string? AuthorName);

public sealed record ChatStatusEvent(string SessionId, ChatSessionStatus Status, string? AssignedAgentId);

/// <summary>A session entered (<see cref="Waiting"/> true) or left the agents' queue.</summary>
public sealed record ChatQueueEvent(string SessionId, ChatSessionStatus Status, bool Waiting);

/// <summary>
/// This process's live clients: pushes to the hub's groups <c>session:{id}</c> for the conversation, and
/// to the agents' channel (the staff connections that joined it). Every signed-in connection about to hear
/// an update is checked first (<see cref="ChatHubConnections.AudienceAsync"/>): one whose account was
/// deactivated, deleted or re-roled, or whose token expired, is left out and closed. The endpoints publish
/// what each grain call changed through <see cref="IChatBroadcast"/>, which calls this on every silo, so
/// connections on other silos get the same update from their own silo.
/// </summary>
public sealed class HubChatNotifier(IHubContext<ChatHub> hub, ChatHubConnections connections) : IChatLiveClients
{
    public const string MessageEvent = "message";
    public const string StatusEvent = "status";
    public const string QueueEvent = "queue";

    public static string SessionGroup(string sessionId) => "session:" + sessionId;

    public async Task PushAsync(ChatLiveUpdate update, CancellationToken cancellationToken = default)
    {
        var (sessionId, previous, status, assignedAgentId, added) = update;
        // Agents follow conversations that are, or just were, in human hands.
        var agentsFollow = IsHuman(status) || IsHuman(previous);
        var audience = await connections.AudienceAsync(sessionId, agentsFollow || status != previous, cancellationToken);
        var session = hub.Clients.GroupExcept(SessionGroup(sessionId), audience.Barred);
        // Agents who also follow the session hear it once, through the channel.
        var sessionOnly = hub.Clients.GroupExcept(SessionGroup(sessionId), [.. audience.Barred, .. audience.Agents]);
        var agents = hub.Clients.Clients(audience.Agents);
        foreach (var message in added)
        {
            var payload = new ChatMessageEvent(sessionId, message.Id, message.Role, message.Text, message.At, message.AuthorId, message.AuthorName);
            if (agentsFollow)
            {
                await sessionOnly.SendAsync(MessageEvent, payload, cancellationToken);
                await agents.SendAsync(MessageEvent, payload, cancellationToken);
            }
            else
            {
                await session.SendAsync(MessageEvent, payload, cancellationToken);
            }
        }

        if (status != previous)
        {
            var payload = new ChatStatusEvent(sessionId, status, assignedAgentId);
            await sessionOnly.SendAsync(StatusEvent, payload, cancellationToken);
            await agents.SendAsync(StatusEvent, payload, cancellationToken);
        }

        if ((status == ChatSessionStatus.WaitingForAgent) != (previous == ChatSessionStatus.WaitingForAgent))
        {
            await agents.SendAsync(
                QueueEvent, new ChatQueueEvent(sessionId, status, status == ChatSessionStatus.WaitingForAgent), cancellationToken);
        }
    }

    private static bool IsHuman(ChatSessionStatus status) => status is ChatSessionStatus.WaitingForAgent or ChatSessionStatus.WithAgent;
}
