namespace CrmChatbot.Chat;

/// <summary>
/// What one change of a session means for live clients: the status before and after, the agent, and
/// the messages it added. Sent to every silo, each of which pushes it to its own connections.
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.chat-live-update")]
public sealed record ChatLiveUpdate(
    [property: Id(0)] string SessionId,
    [property: Id(1)] ChatSessionStatus PreviousStatus,
    [property: Id(2)] ChatSessionStatus Status,
    [property: Id(3)] string? AssignedAgentId,
    [property: Id(4)] IReadOnlyList<ChatMessageDto> Added)
{
    public static ChatLiveUpdate From(ChatChange change) =>
        new(change.Session.Id, change.PreviousStatus, change.Session.Status, change.Session.AssignedAgentId, change.Added);
}

/// <summary>
/// The live connections of THIS process (the co-hosted API's chat hub). Optional: a silo without it
/// (a test cluster, a silo without the API) simply has no one to push to.
/// </summary>
public interface IChatLiveClients
{
    Task PushAsync(ChatLiveUpdate update, CancellationToken cancellationToken = default);
}

/// <summary>
/// Delivers a live update to the connections on every silo of the cluster, each exactly once: this
/// process's clients at once (awaited), the other silos' in the background, in publishing order.
/// </summary>
public interface IChatBroadcast
{
    Task PublishAsync(ChatLiveUpdate update, CancellationToken cancellationToken = default);
}

/// <summary>
/// This process's live sessions of signed-in users (the co-hosted API's chat hub): told, on EVERY silo,
/// that the account under <c>emailKey</c> may have changed, so it can close the connections the account
/// may no longer hold. Optional, like <see cref="IChatLiveClients"/>. Called off any grain's scheduler,
/// after the user grain's change (it may read the account again).
/// </summary>
public interface IUserAccountWatcher
{
    Task AccountChangedAsync(string emailKey, CancellationToken cancellationToken = default);
}

/// <summary>
/// One per silo, keyed by its silo address and always activated on that silo: passes updates from
/// other silos to the local <see cref="IChatLiveClients"/>, in the order given, and account-change
/// notices to the local <see cref="IUserAccountWatcher"/>.
/// </summary>
[Alias("crm.IChatRelayGrain")]
public interface IChatRelayGrain : IGrainWithStringKey
{
    [Alias("Relay")]
    Task RelayAsync(IReadOnlyList<ChatLiveUpdate> updates);

    [Alias("RelayAccountChanges")]
    Task RelayAccountChangesAsync(IReadOnlyList<string> emailKeys);
}
