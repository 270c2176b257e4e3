using CrmChatbot.Common;

namespace CrmChatbot.Users;

public static class UserRules
{
    public const int NameMaxLength = 200;

    /// <summary>Validates a new account for the grain keyed <paramref name="key"/>; returns the normalized email.</summary>
    public static CommandResult<string> ValidateNew(NewUser user, string key)
    {
        var errors = new FieldErrors();
        var email = errors.Email("email", user.Email);
        if (email is null && !errors.Any)
        {
            errors.Add("email", "is required");
        }
        else if (email is not null && EmailKey.Normalize(email) != key)
        {
            errors.Add("email", "does not match the account key");
        }

        errors.Required("name", user.Name, NameMaxLength);
        ValidatePassword(errors, "password", user.Password, user.Email);
        if (!Enum.IsDefined(user.Role))
        {
            errors.Add("role", "is not a known role");
        }

        return errors.Any ? errors.ToError() : CommandResult<string>.Ok(email!);
    }

    /// <summary>The password policy (<see cref="PasswordPolicy"/>) for the account <paramref name="email"/>.</summary>
    public static void ValidatePassword(FieldErrors errors, string field, string? password, string? email)
    {
        if (PasswordPolicy.Problem(password, email) is { } problem)
        {
            errors.Add(field, problem);
        }
    }
}

/// <summary>
/// The failed-login limits of one account: per client address, and for the account as a whole.
/// In memory in the account's single activation, so every silo sees the same counts.
/// </summary>
public sealed class LoginThrottles(LoginThrottleOptions options)
{
    private const string UnknownAddress = "unknown";

    private readonly Dictionary<string, LoginThrottle> _byAddress = new(StringComparer.Ordinal);
    private readonly LoginThrottle _account = new(options.AccountMaxFailures, options.AccountWindow);

    /// <summary>How long the activation must live for the counts to last.</summary>
    public TimeSpan LongestWindow => options.Window > options.AccountWindow ? options.Window : options.AccountWindow;

    /// <summary>Seconds until <paramref name="address"/> may try again (its own limit or the account's), 0 = now.</summary>
    public int RetryAfterSeconds(string? address, DateTimeOffset now)
    {
        var own = _byAddress.TryGetValue(address ?? UnknownAddress, out var throttle) ? throttle.RetryAfterSeconds(now) : 0;
        return Math.Max(own, _account.RetryAfterSeconds(now));
    }

    public void RecordFailure(string? address, DateTimeOffset now)
    {
        _account.RecordFailure(now);
        address ??= UnknownAddress;
        if (!_byAddress.TryGetValue(address, out var throttle))
        {
            if (_byAddress.Count >= options.MaxTrackedAddresses)
            {
                Forget(now);
            }

            if (_byAddress.Count >= options.MaxTrackedAddresses)
            {
                return; // the account-wide limit still counts this failure
            }

            throttle = new LoginThrottle(options.MaxFailures, options.Window);
            _byAddress[address] = throttle;
        }

        throttle.RecordFailure(now);
    }

    /// <summary>The right password from <paramref name="address"/>: its own count starts over (the account's does not).</summary>
    public void Succeeded(string? address) => _byAddress.Remove(address ?? UnknownAddress);

    /// <summary>An admin reset the password: every count starts over.</summary>
    public void Reset()
    {
        _byAddress.Clear();
        _account.Reset();
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (address, throttle) in _byAddress.ToList())
        {
            if (throttle.RetryAfterSeconds(now) == 0 && throttle.IsEmpty)
            {
                _byAddress.Remove(address);
            }
        }
    }
}

/// <summary>
/// Sliding-window count of failed logins. In memory on purpose: it lives in the one activation of
/// the user grain, so every silo sees the same count without a write per failed attempt.
/// </summary>
public sealed class LoginThrottle(int maxFailures, TimeSpan window)
{
    private readonly Queue<DateTimeOffset> _failures = new();

    public LoginThrottle(LoginThrottleOptions options)
        : this(options.MaxFailures, options.Window)
    {
    }

    /// <summary>Seconds until the next attempt is allowed, or 0 when it is allowed now.</summary>
    public int RetryAfterSeconds(DateTimeOffset now)
    {
        Prune(now);
        if (_failures.Count < maxFailures)
        {
            return 0;
        }

        var wait = _failures.Peek() + window - now;
        return Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
    }

    public void RecordFailure(DateTimeOffset now)
    {
        Prune(now);
        _failures.Enqueue(now);
    }

    public void Reset() => _failures.Clear();

    public bool IsEmpty => _failures.Count == 0;

    private void Prune(DateTimeOffset now)
    {
        while (_failures.Count > 0 && _failures.Peek() + window <= now)
        {
            _failures.Dequeue();
        }
    }
}
