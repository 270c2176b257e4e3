namespace CrmChatbot.Users;

/// <summary>Repeated failed logins for one email are refused for a while (HTTP 429).</summary>
public sealed class LoginThrottleOptions
{
    /// <summary>Failures within <see cref="Window"/> after which further attempts are refused.</summary>
    public int MaxFailures { get; set; } = 5;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}

public sealed class PasswordOptions
{
    /// <summary>BCrypt work factor; never below 11.</summary>
    public int WorkFactor { get; set; } = 11;

    public const int MinLength = 8;
    public const int MaxLength = 128;
}
