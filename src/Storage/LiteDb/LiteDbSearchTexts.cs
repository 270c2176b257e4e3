using System.Collections.Concurrent;
using CrmChatbot.Storage.Queries;
using LiteDB;

namespace CrmChatbot.Storage.LiteDb;

/// <summary>
/// The search text of every document of the searched collections, in memory: each document's
/// <see cref="SchemaModel.SearchLowerField"/> entries joined by <see cref="Separator"/>, by id. LiteDB has
/// no text index and reads documents at ~10-20 µs each, so a substring search over 100,000 leads scanned
/// for ~1 s; scanning these strings takes milliseconds (~100 bytes per document). Built on a collection's
/// first search; then kept current by the writes <see cref="LiteDbGrainStorage"/> reports, also those that
/// land during that first scan (see <see cref="LiteDbCollectionView{TRow}"/>).
/// </summary>
public sealed class LiteDbSearchTexts
{
    public const char Separator = '\u0001';

    private readonly ConcurrentDictionary<string, CollectionTexts> _collections = new(StringComparer.Ordinal);

    /// <summary>Runs between a build's scan and its merge (tests write there to race the build).</summary>
    internal Action<string>? AfterScanForTests { get; set; }

    /// <summary>The ids of the documents whose search text holds <paramref name="needle"/> (lower-cased, without <see cref="Separator"/>).</summary>
    public List<string> Matching(LiteDbStore store, string collection, string needle)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(needle);
        var texts = _collections.GetOrAdd(collection, _ => new CollectionTexts());
        texts.EnsureBuilt(store, collection, AfterScanForTests);
        var ids = new List<string>();
        foreach (var (id, text) in texts.Texts)
        {
            if (text.Contains(needle, StringComparison.Ordinal))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    /// <summary>Records a written document's search text (after the write committed). No-op until the collection was searched.</summary>
    public void Set(string collection, string id, BsonValue searchLower)
    {
        if (_collections.TryGetValue(collection, out var texts))
        {
            texts.Report(id, Join(searchLower));
        }
    }

    public void Remove(string collection, string id)
    {
        if (_collections.TryGetValue(collection, out var texts))
        {
            texts.Report(id, null);
        }
    }

    /// <summary>Drops a collection's texts; the next search reloads them (after writes that bypassed <see cref="Set"/>).</summary>
    public void Forget(string collection) => _collections.TryRemove(collection, out _);

    public void ForgetAll() => _collections.Clear();

    private static string Join(BsonValue searchLower) =>
        searchLower.IsArray ? string.Join(Separator, searchLower.AsArray.Where(v => v.IsString).Select(v => v.AsString)) : "";

    /// <summary>One collection's texts by id; searches read them without the gate (a concurrent dictionary).</summary>
    private sealed class CollectionTexts : LiteDbCollectionView<string>
    {
        public ConcurrentDictionary<string, string> Texts { get; } = new(StringComparer.Ordinal);

        protected override IEnumerable<(string Id, string Row)> Scan(LiteDbStore store, string collection)
        {
            foreach (var doc in LiteDbDocuments.Scan(store.GetCollection(collection), $"{{ _id: $._id, s: $.{SchemaModel.SearchLowerField} }}"))
            {
                yield return (doc[DocumentFields.Id].AsString, Join(doc["s"]));
            }
        }

        protected override void Apply(string id, string? row)
        {
            if (row is null)
            {
                Texts.TryRemove(id, out _);
            }
            else
            {
                Texts[id] = row;
            }
        }
    }
}
