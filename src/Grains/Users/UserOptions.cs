namespace CrmChatbot.Users;

/// <summary>
/// Failed logins are refused for a while (HTTP 429) at two levels: per account and client address
/// (fast: a stranger's guesses lock out only the stranger's address), and per account across all
/// addresses (slow: against guessing spread over many addresses).
/// </summary>
public sealed class LoginThrottleOptions
{
    /// <summary>Failures for one account from one address within <see cref="Window"/> after which that address is refused.</summary>
    public int MaxFailures { get; set; } = 5;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures for one account from all addresses within <see cref="AccountWindow"/> after which every attempt is refused.</summary>
    public int AccountMaxFailures { get; set; } = 50;

    public TimeSpan AccountWindow { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>Addresses tracked per account; beyond that only the account-wide limit applies to new ones.</summary>
    public int MaxTrackedAddresses { get; set; } = 1000;
}

public sealed class PasswordOptions
{
    /// <summary>BCrypt work factor; never below 11.</summary>
    public int WorkFactor { get; set; } = 11;
}

/// <summary>Bounds the CPU that password hashing (bcrypt) may take, so a login flood cannot starve the API.</summary>
public sealed class PasswordHashingOptions
{
    /// <summary>Hashes computed at once; 0 = half the cores, at least 1.</summary>
    public int Concurrency { get; set; }

    /// <summary>Hashes that may wait for a slot; one more is refused at once (HTTP 503).</summary>
    public int QueueLength { get; set; } = 8;

    /// <summary>The Retry-After of a refusal.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    public int EffectiveConcurrency => Concurrency > 0 ? Concurrency : Math.Max(1, Environment.ProcessorCount / 2);
}
