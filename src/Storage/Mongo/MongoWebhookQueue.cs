using CrmChatbot.Webhooks;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// The webhook subscriptions' queues in MongoDB: collection <c>webhook_queue</c>, one document per pending
/// (subscription, event), unique on (subscription_id, event_id) and read through (subscription_id, seq). The
/// sequence comes from a per-subscription counter (<c>webhook_queue_seq</c>, one <c>$inc</c> per batch), not from
/// ObjectIds, whose order across silos (a subscription's grain moving to another silo) is not the append order.
/// </summary>
public sealed class MongoWebhookQueue(MongoStore store) : IWebhookQueue
{
    internal const string CollectionName = "webhook_queue";
    internal const string CounterCollectionName = "webhook_queue_seq";

    private const string SubscriptionId = "subscription_id";
    private const string EventId = "event_id";
    private const string Seq = "seq";
    private const string Type = "type";
    private const string EntityKey = "entity_key";
    private const string Body = "body";

    private int _indexed;

    private IMongoCollection<BsonDocument> Collection => store.GetCollection(CollectionName);

    private IMongoCollection<BsonDocument> Counters => store.GetCollection(CounterCollectionName);

    public async Task<int> AppendAsync(string subscriptionId, IReadOnlyList<WebhookEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return 0;
        }

        await EnsureIndexAsync(cancellationToken).ConfigureAwait(false);
        var counter = await store.RunAsync(
            "reserve webhook queue sequence",
            ct => Counters.FindOneAndUpdateAsync(
                new BsonDocument("_id", subscriptionId),
                new BsonDocument("$inc", new BsonDocument(Seq, (long)events.Count)),
                new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
                ct),
            cancellationToken).ConfigureAwait(false);
        var first = counter[Seq].ToInt64() - events.Count + 1;
        // $setOnInsert: an event already pending keeps its document and its place (a skipped number is harmless).
        var writes = events.Select((e, i) => (WriteModel<BsonDocument>)new UpdateOneModel<BsonDocument>(
            new BsonDocument("_id", DocumentId(subscriptionId, e.Id)),
            new BsonDocument("$setOnInsert", new BsonDocument
            {
                [SubscriptionId] = subscriptionId,
                [EventId] = e.Id,
                [Seq] = first + i,
                [Type] = e.Type,
                [EntityKey] = e.EntityKey,
                [Body] = e.Body,
            }))
        { IsUpsert = true }).ToList();
        var result = await store.RunAsync(
            "append webhook events",
            ct => Collection.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = true }, ct),
            cancellationToken).ConfigureAwait(false);
        return result.Upserts.Count;
    }

    public async Task<IReadOnlyList<QueuedEvent>> ReadAsync(string subscriptionId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await EnsureIndexAsync(cancellationToken).ConfigureAwait(false);
        var documents = await store.RunAsync(
            "read webhook queue",
            ct => Collection.Find(new BsonDocument(SubscriptionId, subscriptionId)).Sort(new BsonDocument(Seq, 1)).Limit(limit).ToListAsync(ct),
            cancellationToken).ConfigureAwait(false);
        return [.. documents.Select(d => new QueuedEvent(
            d[Seq].ToInt64(),
            new WebhookEvent(d[EventId].AsString, d[Type].AsString, d[EntityKey].AsString, d[Body].AsString)))];
    }

    public async Task RemoveAsync(string subscriptionId, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentNullException.ThrowIfNull(eventIds);
        if (eventIds.Count == 0)
        {
            return;
        }

        var filter = new BsonDocument("_id", new BsonDocument("$in", new BsonArray(eventIds.Select(id => DocumentId(subscriptionId, id)))));
        await store.RunAsync("remove webhook events", ct => Collection.DeleteManyAsync(filter, ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> CountAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        await EnsureIndexAsync(cancellationToken).ConfigureAwait(false);
        return await store.RunAsync(
            "count webhook queue",
            ct => Collection.CountDocumentsAsync(new BsonDocument(SubscriptionId, subscriptionId), cancellationToken: ct),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAllAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        await store.RunAsync(
            "delete webhook queue",
            ct => Collection.DeleteManyAsync(new BsonDocument(SubscriptionId, subscriptionId), ct),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One document per (subscription, event): the id makes a re-append an upsert that matches.</summary>
    private static string DocumentId(string subscriptionId, string eventId) => subscriptionId + "/" + eventId;

    private async Task EnsureIndexAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _indexed) != 0)
        {
            return;
        }

        await store.RunAsync(
            "create webhook queue indexes",
            ct => Collection.Indexes.CreateManyAsync(
                [
                    new CreateIndexModel<BsonDocument>(
                        new BsonDocument { [SubscriptionId] = 1, [EventId] = 1 }, new CreateIndexOptions { Name = "subscription_event", Unique = true }),
                    new CreateIndexModel<BsonDocument>(new BsonDocument { [SubscriptionId] = 1, [Seq] = 1 }, new CreateIndexOptions { Name = "subscription_seq" }),
                ],
                ct),
            cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _indexed, 1);
    }
}
