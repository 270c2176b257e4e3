namespace CrmChatbot.Webhooks;

/// <summary>Webhook delivery settings (WEBHOOK_* variables; see the README's Configuration table).</summary>
public sealed class WebhookOptions
{
    /// <summary>Time a receiver has to answer one delivery.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Delay before the first retry; each further retry doubles it (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long an event is retried, from its first failed attempt, before the subscription is marked failing.</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the previous secret still signs after a rotation.</summary>
    public TimeSpan SecretOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Attempts kept in a subscription's delivery log.</summary>
    public int LogSize { get; set; } = 100;

    /// <summary>Whether receivers on loopback, private and link-local addresses are allowed (tests, on-premises setups).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How often the dispatcher looks for new events when it found none.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
