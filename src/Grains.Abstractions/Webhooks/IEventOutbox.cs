using CrmChatbot.Common;

namespace CrmChatbot.Webhooks;

/// <summary>
/// The events of entity changes not yet handed to webhook subscriptions: every timeline entry, with the entity's
/// snapshot, stored by the store in the same write as the change (one transaction on the embedded store; on MongoDB
/// with the timeline append, from the state's outbox). A queue: the webhook dispatcher reads the oldest entries,
/// hands them on, then removes them. Storage only: what an entry means is the dispatcher's business.
/// </summary>
public interface IEventOutbox
{
    /// <summary>Up to <paramref name="limit"/> entries, oldest first (an entity's entries in their order).</summary>
    Task<IReadOnlyList<TimelineEntry>> ReadAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes the entries with these ids (ids not stored are ignored).</summary>
    Task RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);
}
