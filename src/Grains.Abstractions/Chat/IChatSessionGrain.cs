using Orleans.Concurrency;
using CrmChatbot.Common;

namespace CrmChatbot.Chat;

/// <summary>
/// One conversation with the assistant (and, after a hand-off, with an agent); the single writer of
/// its transcript. Keyed by the session id. Callers without access get NotFound, never a hint.
/// </summary>
[Alias("crm.IChatSessionGrain")]
public interface IChatSessionGrain : IGrainWithStringKey
{
    /// <summary>Opens the session for <paramref name="owner"/> (a user, or a visitor token) with the assistant's greeting.</summary>
    [Alias("Start")]
    Task<CommandResult<ChatSessionDto>> StartAsync(ChatCaller owner, string timeZone);

    [Alias("Get"), ReadOnly]
    Task<ChatSessionDto?> GetAsync(ChatCaller caller);

    /// <summary>A message from the owner: answered by the assistant, or stored for the agent while a human has it.</summary>
    [Alias("Send")]
    Task<CommandResult<ChatTurnResult>> SendAsync(ChatCaller caller, string text);

    /// <summary>Staff take the conversation (409 if another agent has it, unless admin).</summary>
    [Alias("Assign")]
    Task<CommandResult<ChatChange>> AssignAsync(Actor agent, long? expectedVersion = null);

    /// <summary>A reply from the assigned agent.</summary>
    [Alias("AgentMessage")]
    Task<CommandResult<ChatChange>> AgentMessageAsync(Actor agent, string text);

    /// <summary>Hands the conversation back to the assistant.</summary>
    [Alias("Release")]
    Task<CommandResult<ChatChange>> ReleaseAsync(Actor agent, long? expectedVersion = null);

    [Alias("Close")]
    Task<CommandResult<ChatChange>> CloseAsync(ChatCaller caller);

    /// <summary>Closes the session if it has been idle long enough (what the reminder does); returns it, or null if missing.</summary>
    [Alias("CheckIdle")]
    Task<ChatSessionDto?> CheckIdleAsync();
}

/// <summary>Reads chat session documents straight from the store; never activates grains.</summary>
public interface IChatSessionQueries
{
    Task<Page<ChatSessionSummaryDto>> ListAsync(ChatSessionListQuery query, CancellationToken cancellationToken = default);
}

/// <summary>
/// Told about changes no request made (an idle session closed by its reminder), so live clients hear
/// of them. The grains register one that broadcasts to the live clients on every silo.
/// </summary>
public interface IChatSessionEvents
{
    Task ChangedAsync(ChatChange change);
}
