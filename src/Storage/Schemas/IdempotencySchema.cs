using CrmChatbot.Idempotency;
using CrmChatbot.Storage.Queries;

namespace CrmChatbot.Storage.Schemas;

/// <summary>
/// The <c>idempotency</c> collection: each record carries its expiry as a top-level date (<see cref="ExpiresAt"/>),
/// indexed for the purge; on MongoDB the index is also a TTL index, so the server deletes expired records by itself.
/// </summary>
public static class IdempotencySchema
{
    /// <summary>The computed top-level field holding <see cref="IdempotencyState.Expiry"/>.</summary>
    public const string ExpiresAt = "expires_at";

    public static CollectionSchema Schema { get; } = new(IdempotencyStorage.Records, typeof(IdempotencyState))
    {
        Computed = new Dictionary<string, Func<object, object?>>
        {
            [ExpiresAt] = state => ((IdempotencyState)state).Expiry(),
        },
        Indexes = [new IndexSpec([ExpiresAt]) { ExpireAfter = TimeSpan.Zero }],
    };
}
