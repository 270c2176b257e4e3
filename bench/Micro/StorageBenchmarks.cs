using BenchmarkDotNet.Attributes;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Sqlite;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Benchmarks.Micro;

/// <summary>One lead write through the SQLite grain storage (a compare-and-swap on id + etag, changed helper columns) on a file, synchronous=FULL.</summary>
[MemoryDiagnoser]
public class StorageWriteBenchmarks
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"crm-micro-write-{Guid.NewGuid():N}");
    private SqliteStore _store = null!;
    private SqliteGrainStorage _storage = null!;
    private GrainState<LeadState> _lead = null!;
    private GrainId _id;
    private (GrainId Id, GrainState<LeadState> State)[] _concurrent = [];

    private const int ConcurrentWriters = 32;

    [GlobalSetup]
    public void Setup()
    {
        _store = new SqliteStore(_dir);
        _storage = new SqliteGrainStorage(_store);
        // A table that is not empty: index updates walk real b-trees.
        _storage.InsertManyAsync(StorageNames.Leads, Enumerable.Range(1, 10_000).Select(i => KeyValuePair.Create($"lead-{i:D6}", LeadData.Lead(i)))).GetAwaiter().GetResult();
        _id = GrainId.Create("lead", "lead-000000");
        _lead = new GrainState<LeadState>(LeadData.Lead(0));
        _storage.WriteStateAsync(StorageNames.Leads, _id, _lead).GetAwaiter().GetResult();
        _concurrent = Enumerable.Range(1, ConcurrentWriters).Select(i =>
        {
            var id = GrainId.Create("lead", $"lead-{i:D6}");
            var state = new GrainState<LeadState>();
            _storage.ReadStateAsync(StorageNames.Leads, id, state).GetAwaiter().GetResult();
            return (id, state);
        }).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Description = "SQLite file: update one lead (etag-checked)")]
    public Task UpdateLead()
    {
        var state = _lead.State!;
        state.Version++;
        state.Score = (int)(state.Version % 101);
        return _storage.WriteStateAsync(StorageNames.Leads, _id, _lead);
    }

    // What a loaded silo does: many grains write at once, and the store's writer commits them together.
    [Benchmark(Description = "SQLite file: 32 leads updated concurrently, per update", OperationsPerInvoke = ConcurrentWriters)]
    public Task UpdateLeadsConcurrently() => Task.WhenAll(_concurrent.Select(lead =>
    {
        var state = lead.State.State!;
        state.Version++;
        state.Score = (int)(state.Version % 101);
        return _storage.WriteStateAsync(StorageNames.Leads, lead.Id, lead.State);
    }));
}

/// <summary>The state serializers of both stores, a lead state to stored bytes and back.</summary>
[MemoryDiagnoser]
public class StateSerializationBenchmarks
{
    private readonly LeadState _lead = LeadData.Lead(42);

    [Benchmark(Description = "SQLite JSON: LeadState -> JSON text -> LeadState")]
    public LeadState SqliteRoundTrip() => SqliteJson.Deserialize<LeadState>(SqliteJson.Serialize(_lead));

    [Benchmark(Description = "MongoDB mapping: LeadState -> BSON bytes -> LeadState")]
    public LeadState MongoRoundTrip()
    {
        var bytes = MongoDB.Bson.BsonExtensionMethods.ToBson(MongoMapping.ToBson(_lead).AsBsonDocument);
        return MongoMapping.FromBson<LeadState>(MongoDB.Bson.Serialization.BsonSerializer.Deserialize<MongoDB.Bson.BsonDocument>(bytes));
    }
}
