using CrmChatbot.Common;
using CrmChatbot.Idempotency;
using CrmChatbot.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Mongo;

/// <summary>Expiry of Idempotency-Key records on MongoDB: the TTL index and the sweep.</summary>
[Collection(MongoCollection.Name)]
public sealed class MongoIdempotencyRecordsTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;

    public MongoIdempotencyRecordsTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("idem");
    }

    public Task InitializeAsync() => _store.EnsureIndexesAsync();

    public async Task DisposeAsync()
    {
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }

    private IMongoCollection<BsonDocument> Records => _store.GetCollection(IdempotencyStorage.Records);

    private Task WriteAsync(string key, DateTime createdAt) =>
        new MongoGrainStorage(_store).WriteStateAsync(IdempotencyStorage.Records, GrainId.Create("idem", key), new GrainState<IdempotencyState>(new IdempotencyState
        {
            Fingerprint = "f",
            Response = new StoredResponse(201, "application/json", "{}", null, null),
            CreatedAt = createdAt,
            ExpiresAt = createdAt + IdempotencyOptions.DefaultRetention,
        }));

    [Fact]
    public async Task The_expiry_is_a_top_level_date_under_a_ttl_index()
    {
        await WriteAsync("a", Now);

        var doc = await Records.Find(new BsonDocument("_id", "a")).FirstAsync();
        var indexes = await (await Records.Indexes.ListAsync()).ToListAsync();

        Assert.Equal(new BsonDateTime(Now.AddHours(24)), doc["expires_at"]);
        var ttl = Assert.Single(indexes, i => i["key"].AsBsonDocument.Contains("expires_at"));
        Assert.Equal(0, ttl["expireAfterSeconds"].ToInt64());
    }

    [Fact]
    public async Task The_sweep_deletes_expired_records_only_including_ones_written_before_the_expiry_field()
    {
        await WriteAsync("expired", Now.AddHours(-25));
        await WriteAsync("fresh", Now.AddHours(-1));
        // Written by an older version: no expires_at; the creation time decides.
        await Records.InsertManyAsync(
        [
            new BsonDocument { ["_id"] = "legacy-old", ["etag"] = "e1", ["state"] = new BsonDocument { ["fingerprint"] = "f", ["created_at"] = Now.AddHours(-30) } },
            new BsonDocument { ["_id"] = "legacy-new", ["etag"] = "e2", ["state"] = new BsonDocument { ["fingerprint"] = "f", ["created_at"] = Now.AddHours(-2) } },
        ]);

        var deleted = await new MongoIdempotencyRecords(_store).DeleteExpiredAsync(Now);

        Assert.Equal(2, deleted);
        var left = (await Records.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync()).Select(d => d["_id"].AsString).Order(StringComparer.Ordinal);
        Assert.Equal(["fresh", "legacy-new"], left);
    }
}
