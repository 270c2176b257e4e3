using Orleans.Concurrency;
using CrmChatbot.Common;

namespace CrmChatbot.Webhooks;

/// <summary>Where a subscription stands: delivering, given up after the retry window (failing), or switched off.</summary>
public enum WebhookStatus
{
    Active,

    /// <summary>An event could not be delivered within the retry window: delivery paused until an admin updates it.</summary>
    Failing,

    /// <summary>Inactive: set by an admin (active=false) or by the receiver answering 410 Gone.</summary>
    Disabled,
}

/// <summary>A webhook subscription as the API shows it (never its secret).</summary>
[GenerateSerializer, Immutable, Alias("crm.webhook")]
public sealed record WebhookDto(
    [property: Id(0)] string Id,
    [property: Id(1)] string Url,
    [property: Id(2)] IReadOnlyList<string> Events,
    [property: Id(3)] bool Active,
    [property: Id(4)] WebhookStatus Status,
    [property: Id(5)] string? StatusReason,
    [property: Id(6)] DateTime CreatedAt,
    [property: Id(7)] DateTime UpdatedAt,
    [property: Id(8)] DateTime? PreviousSecretExpiresAt);

/// <summary>A new subscription, or a secret just rotated: the only time the secret is shown.</summary>
[GenerateSerializer, Immutable, Alias("crm.webhook-with-secret")]
public sealed record WebhookWithSecret([property: Id(0)] WebhookDto Webhook, [property: Id(1)] string Secret);

/// <summary>The fields of a new subscription.</summary>
[GenerateSerializer, Immutable, Alias("crm.new-webhook")]
public sealed record NewWebhook([property: Id(0)] string Url, [property: Id(1)] IReadOnlyList<string> Events, [property: Id(2)] bool Active = true);

/// <summary>A partial update: fields present change. Any update of a failing subscription resumes delivery.</summary>
[GenerateSerializer, Immutable, Alias("crm.webhook-patch")]
public sealed record WebhookPatch
{
    [Id(0)] public Optional<string> Url { get; init; }
    [Id(1)] public Optional<IReadOnlyList<string>> Events { get; init; }
    [Id(2)] public Optional<bool> Active { get; init; }
}

/// <summary>What a subscription needs to deliver: where, with which secrets, whether it may.</summary>
[GenerateSerializer, Immutable, Alias("crm.webhook-target")]
public sealed record WebhookTarget(
    [property: Id(0)] string Url,
    [property: Id(1)] IReadOnlyList<string> Secrets,
    [property: Id(2)] bool Delivering);

/// <summary>One event queued for a subscription: its id (the webhook-id), type, entity and the exact body sent.</summary>
[GenerateSerializer, Immutable, Alias("crm.webhook-event")]
public sealed record WebhookEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] string EntityKey,
    [property: Id(3)] string Body);

/// <summary>The outcome of one POST: the status code (none when no answer came), the time it took, and why it failed.</summary>
[GenerateSerializer, Immutable, Alias("crm.webhook-send-result")]
public sealed record WebhookSendResult([property: Id(0)] int? StatusCode, [property: Id(1)] long LatencyMs, [property: Id(2)] string? Error)
{
    public bool Delivered => Error is null;
}

/// <summary>The outcome of one delivery attempt.</summary>
public enum DeliveryOutcome
{
    Delivered,

    /// <summary>Failed; retried later.</summary>
    Retrying,

    /// <summary>Failed and not retried (retry window over, 410 Gone, a test ping, a subscription switched off).</summary>
    Failed,
}

/// <summary>One attempt to deliver an event, as the delivery log shows it.</summary>
[GenerateSerializer, Immutable, Alias("crm.webhook-delivery")]
public sealed record WebhookDeliveryDto(
    [property: Id(0)] string Id,
    [property: Id(1)] string EventId,
    [property: Id(2)] string EventType,
    [property: Id(3)] int Attempt,
    [property: Id(4)] DateTime At,
    [property: Id(5)] int? StatusCode,
    [property: Id(6)] long LatencyMs,
    [property: Id(7)] string? Error,
    [property: Id(8)] DeliveryOutcome Outcome);

/// <summary>
/// Every webhook subscription of the deployment (one activation, key 0): their settings and secrets, and which
/// ones an event type goes to. The subscription's delivery work lives in its <see cref="IWebhookSubscriptionGrain"/>.
/// </summary>
public interface IWebhookRegistryGrain : IGrainWithIntegerKey
{
    Task<CommandResult<WebhookWithSecret>> CreateAsync(NewWebhook webhook);

    Task<IReadOnlyList<WebhookDto>> ListAsync();

    Task<WebhookDto?> GetAsync(string id);

    Task<CommandResult<WebhookDto>> UpdateAsync(string id, WebhookPatch patch);

    Task<bool> DeleteAsync(string id);

    Task<CommandResult<WebhookWithSecret>> RotateSecretAsync(string id);

    /// <summary>The ids of the subscriptions that take events (active, not disabled), with their event patterns.</summary>
    Task<IReadOnlyList<WebhookRoute>> RoutesAsync();

    /// <summary>Where and how subscription <paramref name="id"/> delivers; null when it is gone.</summary>
    Task<WebhookTarget?> TargetAsync(string id);

    /// <summary>The subscription gave up on an event (retry window over): delivery pauses.</summary>
    Task MarkFailingAsync(string id, string reason);

    /// <summary>The receiver answered 410 Gone: the subscription is switched off.</summary>
    Task DisableAsync(string id, string reason);
}

/// <summary>A page of a subscription's delivery log (newest first) and the number of events waiting.</summary>
[GenerateSerializer, Immutable, Alias("crm.webhook-deliveries")]
public sealed record WebhookDeliveries([property: Id(0)] IReadOnlyList<WebhookDeliveryDto> Items, [property: Id(1)] int Pending);

[GenerateSerializer, Immutable, Alias("crm.webhook-route")]
public sealed record WebhookRoute([property: Id(0)] string Id, [property: Id(1)] IReadOnlyList<string> Events);

/// <summary>
/// The delivery work of one subscription (key: the subscription id): its queue of events, delivered one at a time
/// in order, retried on durable reminders, and its delivery log.
/// </summary>
public interface IWebhookSubscriptionGrain : IGrainWithStringKey
{
    /// <summary>Queues events (stored before it returns); events already queued are skipped.</summary>
    Task EnqueueAsync(IReadOnlyList<WebhookEvent> events);

    /// <summary>The last attempts, newest first, and how many events wait.</summary>
    Task<WebhookDeliveries> DeliveriesAsync(int limit);

    /// <summary>Sends a ping event now, outside the queue, and answers with the attempt.</summary>
    Task<WebhookDeliveryDto> TestAsync();

    /// <summary>Queues the event of a logged delivery again; false when the log no longer has it.</summary>
    Task<bool> ReplayAsync(string deliveryId);

    /// <summary>Resumes delivery (after a restart, or an update of a failing subscription). One-way: the registry never waits for a subscription.</summary>
    [OneWay]
    Task KickAsync();

    /// <summary>Forgets the queue and the log (the subscription was deleted). One-way, as <see cref="KickAsync"/>.</summary>
    [OneWay]
    Task ResetAsync();

    /// <summary>The outcome of the send of <paramref name="eventId"/> that this grain started (sends run outside its turns).</summary>
    [OneWay]
    Task CompleteAsync(string eventId, WebhookSendResult result);
}

/// <summary>
/// Tails the event outbox (<see cref="IEventOutbox"/>) and hands every event to the subscriptions whose patterns it
/// matches (one activation, key 0, kept polling by a timer and revived by a durable reminder and at silo start).
/// </summary>
public interface IWebhookDispatcherGrain : IGrainWithIntegerKey
{
    Task WakeAsync();
}
