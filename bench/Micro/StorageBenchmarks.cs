using BenchmarkDotNet.Attributes;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.LiteDb;
using CrmChatbot.Storage.Mongo;
using LiteDB;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Benchmarks.Micro;

/// <summary>One lead write through the LiteDB grain storage (a compare-and-swap on _id + etag, indexes updated) on a file.</summary>
[MemoryDiagnoser]
public class StorageWriteBenchmarks
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"crm-micro-write-{Guid.NewGuid():N}");
    private LiteDbStore _store = null!;
    private LiteDbGrainStorage _storage = null!;
    private GrainState<LeadState> _lead = null!;
    private GrainId _id;
    private (GrainId Id, GrainState<LeadState> State)[] _concurrent = [];

    private const int ConcurrentWriters = 32;

    [GlobalSetup]
    public void Setup()
    {
        _store = new LiteDbStore(_dir);
        _storage = new LiteDbGrainStorage(_store);
        // A collection that is not empty: index inserts walk real skip lists.
        _storage.InsertMany(StorageNames.Leads, Enumerable.Range(1, 10_000).Select(i => KeyValuePair.Create($"lead-{i:D6}", LeadData.Lead(i))));
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

    [Benchmark(Description = "LiteDB file: update one lead (etag-checked)")]
    public Task UpdateLead()
    {
        var state = _lead.State!;
        state.Version++;
        state.Score = (int)(state.Version % 101);
        return _storage.WriteStateAsync(StorageNames.Leads, _id, _lead);
    }

    // What a loaded silo does: many grains write at once, and the store's writer commits them together.
    [Benchmark(Description = "LiteDB file: 32 leads updated concurrently, per update", OperationsPerInvoke = ConcurrentWriters)]
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
    private readonly BsonMapper _mapper = LiteDbMapping.CreateMapper();
    private readonly LeadState _lead = LeadData.Lead(42);

    [Benchmark(Description = "LiteDB mapper: LeadState -> BSON bytes -> LeadState")]
    public LeadState LiteDbRoundTrip()
    {
        var bytes = BsonSerializer.Serialize(_mapper.ToDocument(_lead));
        return _mapper.ToObject<LeadState>(BsonSerializer.Deserialize(bytes));
    }

    [Benchmark(Description = "MongoDB mapping: LeadState -> BSON bytes -> LeadState")]
    public LeadState MongoRoundTrip()
    {
        var bytes = MongoDB.Bson.BsonExtensionMethods.ToBson(MongoMapping.ToBson(_lead).AsBsonDocument);
        return MongoMapping.FromBson<LeadState>(MongoDB.Bson.Serialization.BsonSerializer.Deserialize<MongoDB.Bson.BsonDocument>(bytes));
    }
}
