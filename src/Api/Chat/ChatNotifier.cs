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
/// This process's live clients: pushes to the hub's groups, <c>session:{id}</c> for the conversation,
/// <c>agents</c> for staff. The endpoints publish what each grain call changed through
/// <see cref="IChatBroadcast"/>, which calls this on every silo, so connections on other silos get the
/// same update from their own silo.
/// </summary>
public sealed class HubChatNotifier(IHubContext<ChatHub> hub) : IChatLiveClients
{
    public const string MessageEvent = "message";
    public const string StatusEvent = "status";
    public const string QueueEvent = "queue";

    public static string SessionGroup(string sessionId) => "session:" + sessionId;

    public const string AgentsGroup = "agents";

    public async Task PushAsync(ChatLiveUpdate update, CancellationToken cancellationToken = default)
    {
        var (sessionId, previous, status, assignedAgentId, added) = update;
        var session = hub.Clients.Group(SessionGroup(sessionId));
        // Agents follow conversations that are, or just were, in human hands.
        var agentsFollow = IsHuman(status) || IsHuman(previous);
        var everyone = hub.Clients.Groups(SessionGroup(sessionId), AgentsGroup);
        foreach (var message in added)
        {
            var payload = new ChatMessageEvent(sessionId, message.Id, message.Role, message.Text, message.At, message.AuthorId, message.AuthorName);
            await (agentsFollow ? everyone : session).SendAsync(MessageEvent, payload, cancellationToken);
        }

        if (status != previous)
        {
            await everyone.SendAsync(StatusEvent, new ChatStatusEvent(sessionId, status, assignedAgentId), cancellationToken);
        }

        if ((status == ChatSessionStatus.WaitingForAgent) != (previous == ChatSessionStatus.WaitingForAgent))
        {
            await hub.Clients.Group(AgentsGroup).SendAsync(
                QueueEvent, new ChatQueueEvent(sessionId, status, status == ChatSessionStatus.WaitingForAgent), cancellationToken);
        }
    }

    private static bool IsHuman(ChatSessionStatus status) => status is ChatSessionStatus.WaitingForAgent or ChatSessionStatus.WithAgent;
}
