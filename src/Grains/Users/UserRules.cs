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
        ValidatePassword(errors, user.Password);
        if (!Enum.IsDefined(user.Role))
        {
            errors.Add("role", "is not a known role");
        }

        return errors.Any ? errors.ToError() : CommandResult<string>.Ok(email!);
    }

    public static void ValidatePassword(FieldErrors errors, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            errors.Add("password", "is required");
        }
        else if (password.Length < PasswordOptions.MinLength)
        {
            errors.Add("password", $"must be at least {PasswordOptions.MinLength} characters");
        }
        else if (password.Length > PasswordOptions.MaxLength)
        {
            errors.Add("password", $"must be at most {PasswordOptions.MaxLength} characters");
        }
    }
}

/// <summary>
/// Sliding-window count of failed logins. In memory on purpose: it lives in the one activation of
/// the user grain, so every silo sees the same count without a write per failed attempt.
/// </summary>
public sealed class LoginThrottle(LoginThrottleOptions options)
{
    private readonly Queue<DateTimeOffset> _failures = new();

    /// <summary>Seconds until the next attempt is allowed, or 0 when it is allowed now.</summary>
    public int RetryAfterSeconds(DateTimeOffset now)
    {
        Prune(now);
        if (_failures.Count < options.MaxFailures)
        {
            return 0;
        }

        var wait = _failures.Peek() + options.Window - now;
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
        while (_failures.Count > 0 && _failures.Peek() + options.Window <= now)
        {
            _failures.Dequeue();
        }
    }
}
