using CrmChatbot.Common;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Users;

/// <summary>
/// One account, keyed by normalized email: two registrations of one address, in any case, meet in
/// this single activation, so exactly one succeeds. Also owns the failed-login throttle.
/// </summary>
public sealed class UserGrain : Grain, IUserGrain
{
    // Verified against when the account does not exist, so unknown emails cost the same time.
    private static readonly Lazy<string> DummyHash = new(() => BCrypt.Net.BCrypt.EnhancedHashPassword("not-a-real-password", 11));

    private readonly IPersistentState<UserState> _user;
    private readonly TimeProvider _clock;
    private readonly PasswordOptions _passwords;
    private readonly LoginThrottle _throttle;
    private readonly IUserAccountChanges[] _changes;

    public UserGrain(
        [PersistentState(StorageNames.Users, StorageNames.Crm)] IPersistentState<UserState> user,
        TimeProvider clock,
        IOptions<PasswordOptions> passwords,
        IOptions<LoginThrottleOptions> throttle,
        IEnumerable<IUserAccountChanges> changes)
    {
        _user = user;
        _clock = clock;
        _passwords = passwords.Value;
        _throttle = new LoginThrottle(throttle.Value);
        _changes = [.. changes];
    }

    private string Key => this.GetPrimaryKeyString();

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

        var workFactor = Math.Max(11, _passwords.WorkFactor);
        var hash = await Task.Run(() => BCrypt.Net.BCrypt.EnhancedHashPassword(user.Password, workFactor));
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
        return CommandResult<UserDto>.Ok(_user.State.ToDto());
    }

    public async Task<LoginResult> LoginAsync(string password)
    {
        var now = _clock.GetUtcNow();
        var retryAfter = _throttle.RetryAfterSeconds(now);
        if (retryAfter > 0)
        {
            return new LoginResult(LoginOutcome.Throttled, RetryAfterSeconds: retryAfter);
        }

        var hash = _user.RecordExists ? _user.State.PasswordHash : DummyHash.Value;
        var matches = await Task.Run(() => Verify(password, hash));
        if (!matches || !_user.RecordExists)
        {
            _throttle.RecordFailure(now);
            // Keep the activation (and so the failure count) alive for the throttle window.
            DelayDeactivation(TimeSpan.FromMinutes(20));
            return new LoginResult(LoginOutcome.InvalidCredentials);
        }

        _throttle.Reset();
        return _user.State.IsActive
            ? new LoginResult(LoginOutcome.Success, _user.State.ToDto())
            : new LoginResult(LoginOutcome.Inactive);
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
        await ChangeAsync(() => _user.ReplaceAsync(new UserState
        {
            UserId = current.UserId,
            Email = current.Email,
            Name = name,
            Role = role,
            PasswordHash = current.PasswordHash,
            IsActive = patch.IsActive.HasValue ? patch.IsActive.Value : current.IsActive,
            CreatedAt = current.CreatedAt,
            UpdatedAt = Timestamps.Now(_clock),
        }, DeactivateOnIdle));
        return CommandResult<UserDto>.Ok(_user.State.ToDto());
    }

    public async Task<bool> DeleteAsync()
    {
        if (!_user.RecordExists)
        {
            return false;
        }

        await ChangeAsync(_user.ClearStateAsync);
        return true;
    }

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

    private static bool Verify(string password, string hash)
    {
        try
        {
            return BCrypt.Net.BCrypt.EnhancedVerify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }
}
