using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Tests.Conformance;
using MongoDB.Bson;
using MongoDB.Driver;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Mongo;

[Collection(MongoCollection.Name)]
public sealed class MongoDocumentQueryTests : DocumentQueryConformance
{
    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;

    public MongoDocumentQueryTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("docs");
        Storage = new MongoGrainStorage(_store);
        Queries = new MongoDocumentQueries(_store);
    }

    protected override IGrainStorage Storage { get; }

    protected override IDocumentQueries Queries { get; }

    protected override Task EnsureIndexesAsync() => _store.EnsureIndexesAsync();

    protected override async Task<IReadOnlyCollection<string>> RawFieldNamesAsync(string collection, string id)
    {
        var doc = await _store.GetCollection(collection).Find(new BsonDocument("_id", id)).FirstAsync();
        return doc.Names.ToList();
    }

    protected override async Task<IReadOnlyCollection<string>> IndexNamesAsync(string collection)
    {
        var indexes = await (await _store.GetCollection(collection).Indexes.ListAsync()).ToListAsync();
        return indexes.Select(x => x["name"].AsString).ToList();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }
}

[Collection(MongoCollection.Name)]
public sealed class MongoCompoundQueryTests : CompoundQueryConformance
{
    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;

    public MongoCompoundQueryTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("compound");
        Storage = new MongoGrainStorage(_store);
        Queries = new MongoDocumentQueries(_store);
    }

    protected override IGrainStorage Storage { get; }

    protected override IDocumentQueries Queries { get; }

    protected override Task EnsureIndexesAsync() => _store.EnsureIndexesAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }
}
