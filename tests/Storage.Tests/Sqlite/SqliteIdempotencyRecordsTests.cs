using CrmChatbot.Idempotency;
using CrmChatbot.Storage.Sqlite;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Sqlite;

/// <summary>Expiry of Idempotency-Key records on SQLite, which has no TTL: the sweep deletes them.</summary>
public sealed class SqliteIdempotencyRecordsTests
{
    private static readonly DateTime Now = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task The_sweep_deletes_expired_records_only_and_a_deleted_key_reads_as_new()
    {
        using var store = SqliteStore.CreateInMemory();
        var storage = new SqliteGrainStorage(store);
        async Task WriteAsync(string key, DateTime createdAt) =>
            await storage.WriteStateAsync(IdempotencyStorage.Records, GrainId.Create("idem", key), new GrainState<IdempotencyState>(new IdempotencyState
            {
                Fingerprint = "f",
                Response = new StoredResponse(201, "application/json", "{}", null, null),
                CreatedAt = createdAt,
                ExpiresAt = createdAt + IdempotencyOptions.DefaultRetention,
            }));
        await WriteAsync("expired", Now.AddHours(-25));
        await WriteAsync("just-expired", Now.AddHours(-24));
        await WriteAsync("fresh", Now.AddHours(-23));

        var deleted = await new SqliteIdempotencyRecords(store).DeleteExpiredAsync(Now);

        Assert.Equal(2, deleted);
        foreach (var (key, exists) in new[] { ("expired", false), ("just-expired", false), ("fresh", true) })
        {
            var state = new GrainState<IdempotencyState>();
            await storage.ReadStateAsync(IdempotencyStorage.Records, GrainId.Create("idem", key), state);
            Assert.Equal(exists, state.RecordExists);
        }
    }
}
