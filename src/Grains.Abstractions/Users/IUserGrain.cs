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

    /// <summary>
    /// Checks the password, with throttling of repeated failures per client address (so a stranger
    /// cannot lock the real user out) and, more slowly, for the account across all addresses.
    /// </summary>
    [Alias("Login")]
    Task<LoginResult> LoginAsync(string password, string? clientAddress = null);

    /// <summary>The signed-in user changes their password; every token issued before stops working.</summary>
    [Alias("ChangePassword")]
    Task<CommandResult<UserDto>> ChangePasswordAsync(string currentPassword, string newPassword);

    /// <summary>An admin sets a new password; every token issued before stops working and failed-login counts reset.</summary>
    [Alias("ResetPassword")]
    Task<CommandResult<UserDto>> ResetPasswordAsync(string newPassword);

    [Alias("Get"), ReadOnly]
    Task<UserDto?> GetAsync();

    [Alias("Update")]
    Task<CommandResult<UserDto>> UpdateAsync(UserPatch patch);

    /// <summary>Deletes the account: not found, or a conflict when it is the last active admin.</summary>
    [Alias("Delete")]
    Task<CommandResult<bool>> DeleteAsync();
}

/// <summary>
/// The single writer of the set of active admins of the deployment (one activation, key
/// <see cref="Key"/>): every change that would end an active admin (demotion, deactivation,
/// deletion) asks it first, so two admins demoting each other at once cannot leave none.
/// </summary>
[Alias("crm.IAdminRosterGrain")]
public interface IAdminRosterGrain : IGrainWithStringKey
{
    public const string Key = "deployment";

    /// <summary>Takes the admin off the roster unless they are its last member; false = refused.</summary>
    [Alias("TryRelease")]
    Task<bool> TryReleaseAsync(string userId);

    /// <summary>Puts an (active) admin on the roster; also used to undo a release whose change failed.</summary>
    [Alias("Enlist")]
    Task EnlistAsync(string userId);

    [Alias("Get"), ReadOnly]
    Task<IReadOnlyList<string>> GetAsync();
}

/// <summary>Reads user documents straight from the store.</summary>
public interface IUserQueries
{
    Task<Page<UserDto>> ListAsync(UserListQuery query, CancellationToken cancellationToken = default);

    /// <summary>Finds a user by id (not by email); null when there is none.</summary>
    Task<UserDto?> FindByIdAsync(string userId, CancellationToken cancellationToken = default);
}
