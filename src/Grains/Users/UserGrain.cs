using CrmChatbot.Common;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Users;

/// <summary>
/// One account, keyed by normalized email: two registrations of one address, in any case, meet in
/// this single activation, so exactly one succeeds. Also owns the failed-login throttle. Changes
/// that end or start an active admin go through the <see cref="IAdminRosterGrain"/>, which keeps
/// the last active admin from being demoted, deactivated or deleted.
/// </summary>
public sealed class UserGrain : Grain, IUserGrain
{
    private const string LastAdmin = "This is the last active admin: make another user an active admin first.";

    // Verified against when the account does not exist, so unknown emails cost the same time.
    private static readonly Lazy<string> DummyHash = new(() => BCrypt.Net.BCrypt.EnhancedHashPassword("not-a-real-password", 11));

    private readonly IPersistentState<UserState> _user;
    private readonly TimeProvider _clock;
    private readonly PasswordOptions _passwords;
    private readonly PasswordHasher _hasher;
    private readonly LoginThrottles _throttles;
    private readonly IUserAccountChanges[] _changes;

    public UserGrain(
        [PersistentState(StorageNames.Users, StorageNames.Crm)] IPersistentState<UserState> user,
        TimeProvider clock,
        IOptions<PasswordOptions> passwords,
        IOptions<LoginThrottleOptions> throttle,
        PasswordHasher hasher,
        IEnumerable<IUserAccountChanges> changes)
    {
        _user = user;
        _clock = clock;
        _passwords = passwords.Value;
        _hasher = hasher;
        _throttles = new LoginThrottles(throttle.Value);
        _changes = [.. changes];
    }

    private string Key => this.GetPrimaryKeyString();

    private IAdminRosterGrain Roster => GrainFactory.Reference<IAdminRosterGrain>(IAdminRosterGrain.Key);

    private int WorkFactor => Math.Max(11, _passwords.WorkFactor);

    public async Task<CommandResult<UserDto>> RegisterAsync(NewUser user)
    {
        var valid = UserRules.ValidateNew(user, Key);
        if (!valid.IsSuccess)
        {
            return valid.Error!;
        }

        if (_user.RecordExists)
        {
            return CommandError.Conflict("An account with this email already exists.");
        }

        if (await _hasher.HashAsync(user.Password!, WorkFactor) is not { } hash)
        {
            return Busy();
        }

        var now = Timestamps.Now(_clock);
        await ChangeAsync(() => _user.ReplaceAsync(new UserState
        {
            UserId = Guid.CreateVersion7().ToString(),
            Email = valid.Value!,
            Name = user.Name!.Trim(),
            Role = user.Role,
            PasswordHash = hash,
            IsActive = true,
            CreatedAt = now,
            UpdatedAt = now,
        }, DeactivateOnIdle));
        if (user.Role == UserRole.Admin)
        {
            await Roster.EnlistAsync(_user.State.UserId);
        }

        return CommandResult<UserDto>.Ok(_user.State.ToDto());
    }

    public async Task<LoginResult> LoginAsync(string password, string? clientAddress = null)
    {
        var now = _clock.GetUtcNow();
        var retryAfter = _throttles.RetryAfterSeconds(clientAddress, now);
        if (retryAfter > 0)
        {
            return new LoginResult(LoginOutcome.Throttled, RetryAfterSeconds: retryAfter);
        }

        var hash = _user.RecordExists ? _user.State.PasswordHash : DummyHash.Value;
        if (await _hasher.VerifyAsync(password, hash) is not { } matches)
        {
            return new LoginResult(LoginOutcome.Busy, RetryAfterSeconds: _hasher.RetryAfterSeconds);
        }

        if (!matches || !_user.RecordExists)
        {
            Failed(clientAddress, now);
            return new LoginResult(LoginOutcome.InvalidCredentials);
        }

        _throttles.Succeeded(clientAddress);
        return _user.State.IsActive
            ? new LoginResult(LoginOutcome.Success, _user.State.ToDto())
            : new LoginResult(LoginOutcome.Inactive);
    }

    public async Task<CommandResult<UserDto>> ChangePasswordAsync(string currentPassword, string newPassword)
    {
        if (!_user.RecordExists || !_user.State.IsActive)
        {
            return CommandError.NotFound("User was not found.");
        }

        var errors = new FieldErrors();
        UserRules.ValidatePassword(errors, "new_password", newPassword, _user.State.Email);
        if (errors.Any)
        {
            return errors.ToError();
        }

        // Only a signed-in user gets here, so the login counts are left alone (a stolen token must not
        // lock the owner out); the API limits these attempts per address like logins.
        switch (await _hasher.VerifyAsync(currentPassword, _user.State.PasswordHash))
        {
            case null:
                return Busy();
            case false:
                return CommandError.Invalid("current_password", "is not the account's password");
        }

        return await SetPasswordAsync(newPassword);
    }

    public async Task<CommandResult<UserDto>> ResetPasswordAsync(string newPassword)
    {
        if (!_user.RecordExists)
        {
            return CommandError.NotFound("User was not found.");
        }

        var errors = new FieldErrors();
        UserRules.ValidatePassword(errors, "new_password", newPassword, _user.State.Email);
        if (errors.Any)
        {
            return errors.ToError();
        }

        var result = await SetPasswordAsync(newPassword);
        if (result.IsSuccess)
        {
            _throttles.Reset();
        }

        return result;
    }

    public Task<UserDto?> GetAsync() =>
        Task.FromResult(_user.RecordExists ? _user.State.ToDto() : null);

    public async Task<CommandResult<UserDto>> UpdateAsync(UserPatch patch)
    {
        if (!_user.RecordExists)
        {
            return CommandError.NotFound("User was not found.");
        }

        var errors = new FieldErrors();
        var name = patch.Name.HasValue ? errors.Required("name", patch.Name.Value, UserRules.NameMaxLength) : _user.State.Name;
        var role = patch.Role.HasValue ? patch.Role.Value : _user.State.Role;
        if (!Enum.IsDefined(role))
        {
            errors.Add("role", "is not a known role");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var current = _user.State;
        var isActive = patch.IsActive.HasValue ? patch.IsActive.Value : current.IsActive;
        var wasAdmin = current.Role == UserRole.Admin && current.IsActive;
        var isAdmin = role == UserRole.Admin && isActive;
        var next = new UserState
        {
            UserId = current.UserId,
            Email = current.Email,
            Name = name,
            Role = role,
            PasswordHash = current.PasswordHash,
            IsActive = isActive,
            CreatedAt = current.CreatedAt,
            UpdatedAt = Timestamps.Now(_clock),
            TokenGeneration = current.TokenGeneration,
        };
        if (wasAdmin && !isAdmin)
        {
            return await WithoutAdminAsync(() => ChangeAsync(() => _user.ReplaceAsync(next, DeactivateOnIdle)), () => _user.State.ToDto());
        }

        await ChangeAsync(() => _user.ReplaceAsync(next, DeactivateOnIdle));
        if (isAdmin && !wasAdmin)
        {
            await Roster.EnlistAsync(current.UserId);
        }

        return CommandResult<UserDto>.Ok(_user.State.ToDto());
    }

    public async Task<CommandResult<bool>> DeleteAsync()
    {
        if (!_user.RecordExists)
        {
            return CommandError.NotFound("User was not found.");
        }

        if (_user.State is { Role: UserRole.Admin, IsActive: true })
        {
            return await WithoutAdminAsync(() => ChangeAsync(_user.ClearStateAsync), () => true);
        }

        await ChangeAsync(_user.ClearStateAsync);
        return CommandResult<bool>.Ok(true);
    }

    /// <summary>
    /// Ends this account's admin role with <paramref name="commit"/>, only if the roster lets the
    /// admin go (not the last one); if the commit fails, the admin goes back on the roster.
    /// </summary>
    private async Task<CommandResult<T>> WithoutAdminAsync<T>(Func<Task> commit, Func<T> value)
    {
        var userId = _user.State.UserId;
        if (!await Roster.TryReleaseAsync(userId))
        {
            return CommandError.Conflict(LastAdmin);
        }

        try
        {
            await commit();
        }
        catch
        {
            await Roster.EnlistAsync(userId);
            throw;
        }

        return CommandResult<T>.Ok(value());
    }

    /// <summary>Stores a new hash and moves the token generation on, so every earlier token stops working.</summary>
    private async Task<CommandResult<UserDto>> SetPasswordAsync(string password)
    {
        if (await _hasher.HashAsync(password, WorkFactor) is not { } hash)
        {
            return Busy();
        }

        var current = _user.State;
        await ChangeAsync(() => _user.ReplaceAsync(new UserState
        {
            UserId = current.UserId,
            Email = current.Email,
            Name = current.Name,
            Role = current.Role,
            PasswordHash = hash,
            IsActive = current.IsActive,
            CreatedAt = current.CreatedAt,
            UpdatedAt = Timestamps.Now(_clock),
            TokenGeneration = current.TokenGeneration + 1,
        }, DeactivateOnIdle));
        return CommandResult<UserDto>.Ok(_user.State.ToDto());
    }

    private void Failed(string? clientAddress, DateTimeOffset now)
    {
        _throttles.RecordFailure(clientAddress, now);
        // Keep the activation (and so the failure counts) alive for the throttle windows.
        DelayDeactivation(_throttles.LongestWindow + TimeSpan.FromMinutes(5));
    }

    private CommandError Busy() => new(ErrorKind.Unavailable,
        "The server is busy checking passwords. Try again in a moment.", RetryAfterSeconds: _hasher.RetryAfterSeconds);

    /// <summary>
    /// Runs a write of the account and then tells the listeners, even when the write failed (it may
    /// have reached the store), so no cached copy outlives the answer to the change.
    /// </summary>
    private async Task ChangeAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        finally
        {
            foreach (var listener in _changes)
            {
                listener.Changed(Key);
            }
        }
    }
}
