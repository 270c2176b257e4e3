namespace CrmChatbot.Webhooks;

/// <summary>An event waiting in a subscription's queue, with its place in it (the append sequence: delivery order).</summary>
public sealed record QueuedEvent(long Seq, WebhookEvent Event);

/// <summary>
/// The undelivered events of each webhook subscription, durable in the store: one row per (subscription, event),
/// appended in batches and removed one by one as they are delivered, so a queue of any length costs the same per
/// event (the subscription grain keeps only its head in memory). Storage only: when to send is the grain's business.
/// </summary>
public interface IWebhookQueue
{
    /// <summary>
    /// Appends events to the end of a subscription's queue, in the given order, before it returns. An event already
    /// pending for that subscription (same id) is skipped and keeps its place. Answers how many were appended.
    /// </summary>
    Task<int> AppendAsync(string subscriptionId, IReadOnlyList<WebhookEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> pending events of a subscription, oldest first (append order).</summary>
    Task<IReadOnlyList<QueuedEvent>> ReadAsync(string subscriptionId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes these events from a subscription's queue (ids not pending are ignored).</summary>
    Task RemoveAsync(string subscriptionId, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken = default);

    /// <summary>How many events a subscription has pending.</summary>
    Task<long> CountAsync(string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>Removes a subscription's whole queue (the subscription was deleted or the receiver is gone).</summary>
    Task DeleteAllAsync(string subscriptionId, CancellationToken cancellationToken = default);
}
