using CrmChatbot.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrmChatbot.Storage.Membership;

/// <summary>Who holds a <see cref="MongoSiloLease"/>, and until when unless renewed.</summary>
public sealed record SiloLeaseHolder(string Owner, string Description, DateTime ExpiresAt);

/// <summary>
/// A time-limited claim on a MongoDB database by one silo that runs without the membership table
/// (CLUSTERING=localhost, a cluster of its own). Two such silos, or one beside a MongoDB-clustered silo,
/// would each activate the same grains: the claim is how they see each other. One document
/// (<see cref="Collection"/>), taken with a conditional upsert: free when absent, expired or already ours.
/// </summary>
public sealed class MongoSiloLease(MongoStore store, string owner, string description, TimeProvider time)
{
    public const string Collection = "silo_lease";
    private const string DocumentId = "single_silo";

    public string Owner { get; } = owner;

    /// <summary>Takes or extends the lease to now + <paramref name="duration"/>; null on success, else the other holder.</summary>
    public async Task<SiloLeaseHolder?> TryAcquireAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var filter = Builders<BsonDocument>.Filter.Eq("_id", DocumentId) & Builders<BsonDocument>.Filter.Or(
            Builders<BsonDocument>.Filter.Eq("owner", Owner),
            Builders<BsonDocument>.Filter.Lt("expires_at", now));
        var update = Builders<BsonDocument>.Update
            .Set("owner", Owner)
            .Set("description", description)
            .Set("expires_at", now + duration);
        try
        {
            await store.RunAsync("silo lease", ct => store.GetCollection(Collection).FindOneAndUpdateAsync(
                filter, update, new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After }, ct),
                cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (MongoException e) when (MongoFailures.IsDuplicateKey(e))
        {
            // The document exists, unexpired, with another owner: the upsert's insert collided with it.
            return await ReadAsync(cancellationToken).ConfigureAwait(false)
                   ?? new SiloLeaseHolder("unknown", "another silo", now); // released in between: free on the next try
        }
    }

    /// <summary>The current holder while the lease has not expired; null when free.</summary>
    public async Task<SiloLeaseHolder?> ReadAsync(CancellationToken cancellationToken = default)
    {
        var document = await store.RunAsync("silo lease", ct => store.GetCollection(Collection)
            .Find(Builders<BsonDocument>.Filter.Eq("_id", DocumentId)).FirstOrDefaultAsync(ct), cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return null;
        }

        var holder = new SiloLeaseHolder(
            document.GetValue("owner", "").AsString,
            document.GetValue("description", "").AsString,
            document.GetValue("expires_at", BsonNull.Value).ToUniversalTime());
        return holder.ExpiresAt < time.GetUtcNow().UtcDateTime ? null : holder;
    }

    /// <summary>Gives the lease up if this owner holds it (a graceful stop); anyone else's is left alone.</summary>
    public Task ReleaseAsync(CancellationToken cancellationToken = default) =>
        store.RunAsync("silo lease", ct => store.GetCollection(Collection).DeleteOneAsync(
            Builders<BsonDocument>.Filter.Eq("_id", DocumentId) & Builders<BsonDocument>.Filter.Eq("owner", Owner), ct), cancellationToken);
}
