using CrmChatbot.Storage.LiteDb;
using LiteDB;

namespace CrmChatbot.Storage.Tests.LiteDb;

/// <summary>Whole-collection reads in chunks (each chunk one LiteDB query, so the page cache stays small).</summary>
public sealed class LiteDbScanTests : IDisposable
{
    private readonly LiteDbStore _store = LiteDbStore.CreateInMemory();

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData(0, 10)]
    [InlineData(7, 10)]
    [InlineData(20, 10)] // an exact multiple: the last chunk is full, one more query finds nothing
    [InlineData(25, 10)]
    [InlineData(25, 1)]
    public void Reads_every_document_once_in_id_order(int count, int chunkSize)
    {
        var collection = Collection(count);

        var ids = LiteDbDocuments.Scan(collection, chunkSize: chunkSize).Select(d => d["_id"].AsString).ToList();

        Assert.Equal(Ids(count), ids);
    }

    [Fact]
    public void A_projection_keeps_the_id_and_the_selected_fields()
    {
        var collection = Collection(12);

        var rows = LiteDbDocuments.Scan(collection, "{ _id: $._id, n: $.n }", chunkSize: 5).ToList();

        Assert.Equal(Ids(12), rows.Select(r => r["_id"].AsString));
        Assert.All(rows, r => Assert.Equal(["_id", "n"], r.Keys.Order(StringComparer.Ordinal)));
        Assert.Equal(Enumerable.Range(0, 12), rows.Select(r => r["n"].AsInt32).Order());
    }

    private ILiteCollection<BsonDocument> Collection(int count)
    {
        var collection = _store.Database.GetCollection("scan");
        // Inserted in shuffled order: the scan's order comes from the ids, not from insertion.
        foreach (var n in Enumerable.Range(0, count).OrderBy(n => (n * 7919) % 101))
        {
            collection.Insert(new BsonDocument { ["_id"] = $"doc-{n:D3}", ["n"] = n, ["body"] = new string('x', 100) });
        }

        return collection;
    }

    private static List<string> Ids(int count) => [.. Enumerable.Range(0, count).Select(n => $"doc-{n:D3}")];
}
