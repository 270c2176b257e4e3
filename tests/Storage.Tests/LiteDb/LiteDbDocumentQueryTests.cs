using CrmChatbot.Storage.LiteDb;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Tests.Conformance;
using LiteDB;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.LiteDb;

public sealed class LiteDbDocumentQueryTests : DocumentQueryConformance, IDisposable
{
    private readonly LiteDbStore _store = LiteDbStore.CreateInMemory();

    public LiteDbDocumentQueryTests()
    {
        Storage = new LiteDbGrainStorage(_store);
        Queries = new LiteDbDocumentQueries(_store);
    }

    protected override IGrainStorage Storage { get; }

    protected override IDocumentQueries Queries { get; }

    protected override Task EnsureIndexesAsync()
    {
        _store.EnsureIndexes();
        return Task.CompletedTask;
    }

    protected override Task<IReadOnlyCollection<string>> RawFieldNamesAsync(string collection, string id)
    {
        BsonDocument doc = _store.GetCollection(collection).FindById(id);
        return Task.FromResult<IReadOnlyCollection<string>>(doc.Keys.ToList());
    }

    protected override Task<IReadOnlyCollection<string>> IndexNamesAsync(string collection) =>
        Task.FromResult<IReadOnlyCollection<string>>(_store.Database.GetCollection("$indexes")
            .Find(BsonExpression.Create("collection = @0", collection)).Select(x => x["name"].AsString).ToList());

    public void Dispose() => _store.Dispose();
}
