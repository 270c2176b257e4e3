using Orleans.Concurrency;
using CrmChatbot.Common;

namespace CrmChatbot.Users;

/// <summary>One account, keyed by normalized email (see <see cref="EmailKey"/>).</summary>
[Alias("crm.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the account; a conflict if the email is taken.</summary>
    [Alias("Register")]
    Task<CommandResult<UserDto>> RegisterAsync(NewUser user);

    /// <summary>Checks the password, with throttling of repeated failures.</summary>
    [Alias("Login")]
    Task<LoginResult> LoginAsync(string password);

    [Alias("Get"), ReadOnly]
    Task<UserDto?> GetAsync();

    [Alias("Update")]
    Task<CommandResult<UserDto>> UpdateAsync(UserPatch patch);

    [Alias("Delete")]
    Task<bool> DeleteAsync();
}

/// <summary>Reads user documents straight from the store.</summary>
public interface IUserQueries
{
    Task<Page<UserDto>> ListAsync(UserListQuery query, CancellationToken cancellationToken = default);

    /// <summary>Finds a user by id (not by email); null when there is none.</summary>
    Task<UserDto?> FindByIdAsync(string userId, CancellationToken cancellationToken = default);
}
