namespace CrmChatbot.Chat;

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
/// One per silo, keyed by its silo address and always activated on that silo: passes account-change
/// notices from the silo hosting a user grain to the local <see cref="IUserAccountWatcher"/>.
/// </summary>
[Alias("crm.IUserAccountRelayGrain")]
public interface IUserAccountRelayGrain : IGrainWithStringKey
{
    [Alias("Relay")]
    Task RelayAsync(IReadOnlyList<string> emailKeys);
}
