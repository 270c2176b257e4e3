namespace CrmChatbot.Users;

/// <summary>
/// Told by the user grain, in its own process and before the change is acknowledged, that the
/// account under <c>emailKey</c> (the grain key) may have changed: registered, updated, deactivated
/// or deleted. Lets a process cache accounts without serving a stale one.
/// </summary>
public interface IUserAccountChanges
{
    void Changed(string emailKey);
}
