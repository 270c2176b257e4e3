using System.Collections.Concurrent;
using CrmChatbot.Storage.Queries;
using LiteDB;

namespace CrmChatbot.Storage.LiteDb;

/// <summary>
/// The search text of every document of the searched collections, in memory: each document's
/// <see cref="SchemaModel.SearchLowerField"/> entries joined by <see cref="Separator"/>, by id. LiteDB has
/// no text index and reads documents at ~10-20 µs each, so a substring search over 100,000 leads scanned
/// for ~1 s; scanning these strings takes milliseconds (~100 bytes per document). Built on a collection's
/// first search; then kept current by <see cref="LiteDbGrainStorage"/>, which writes every document (the
/// lock file makes this process the file's only writer).
/// </summary>
public sealed class LiteDbSearchTexts
{
    public const char Separator = '\u0001';

    private readonly ConcurrentDictionary<string, Lazy<ConcurrentDictionary<string, string>>> _collections = new(StringComparer.Ordinal);

    /// <summary>The ids of the documents whose search text holds <paramref name="needle"/> (lower-cased, without <see cref="Separator"/>).</summary>
    public List<string> Matching(LiteDbStore store, string collection, string needle)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(needle);
        var texts = _collections.GetOrAdd(collection, name => new Lazy<ConcurrentDictionary<string, string>>(() => Load(store, name))).Value;
        var ids = new List<string>();
        foreach (var (id, text) in texts)
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
        if (_collections.TryGetValue(collection, out var texts) && texts.IsValueCreated)
        {
            texts.Value[id] = Join(searchLower);
        }
        else if (texts is not null)
        {
            // Being built: its load may have read the document before this write.
            Forget(collection);
        }
    }

    public void Remove(string collection, string id)
    {
        if (_collections.TryGetValue(collection, out var texts) && texts.IsValueCreated)
        {
            texts.Value.TryRemove(id, out _);
        }
        else if (texts is not null)
        {
            Forget(collection);
        }
    }

    /// <summary>Drops a collection's texts; the next search reloads them (after writes that bypassed <see cref="Set"/>).</summary>
    public void Forget(string collection) => _collections.TryRemove(collection, out _);

    public void ForgetAll() => _collections.Clear();

    private static ConcurrentDictionary<string, string> Load(LiteDbStore store, string collection)
    {
        var texts = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        foreach (var doc in store.GetCollection(collection).Query().Select($"{{ _id: $._id, s: $.{SchemaModel.SearchLowerField} }}").ToEnumerable())
        {
            texts[doc[DocumentFields.Id].AsString] = Join(doc["s"]);
        }

        return texts;
    }

    private static string Join(BsonValue searchLower) =>
        searchLower.IsArray ? string.Join(Separator, searchLower.AsArray.Where(v => v.IsString).Select(v => v.AsString)) : "";
}
