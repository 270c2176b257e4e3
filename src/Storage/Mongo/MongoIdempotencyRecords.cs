using CrmChatbot.Idempotency;
using CrmChatbot.Storage.Schemas;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// Deletes expired idempotency records. MongoDB's TTL index on <see cref="IdempotencySchema.ExpiresAt"/> does the same
/// within about a minute; this sweep also covers servers without a TTL monitor and records written before the field.
/// </summary>
public sealed class MongoIdempotencyRecords(MongoStore store) : IIdempotencyRecords
{
    public async Task<long> DeleteExpiredAsync(DateTime now, CancellationToken cancellationToken = default)
    {
        var filter = Builders<BsonDocument>.Filter;
        var expired = filter.Or(
            filter.Lte(IdempotencySchema.ExpiresAt, now),
            filter.And(
                filter.Exists(IdempotencySchema.ExpiresAt, false),
                filter.Lte(MongoStore.StatePath("created_at"), now - IdempotencyOptions.DefaultRetention)));
        var collection = store.GetCollection(IdempotencyStorage.Records);
        var result = await store.RunAsync("purge of expired idempotency records", ct => collection.DeleteManyAsync(expired, ct), cancellationToken)
            .ConfigureAwait(false);
        return result.DeletedCount;
    }
}
