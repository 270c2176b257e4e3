using CrmChatbot.Common;
using CrmChatbot.Storage.LiteDb;
using LiteDB;

namespace CrmChatbot.Storage.Timeline;

/// <summary>Timeline entries in the embedded store, indexed by entity and time.</summary>
public sealed class LiteDbTimelineStore : ITimelineStore
{
    private readonly LiteDbStore _store;

    public LiteDbTimelineStore(LiteDbStore store)
    {
        _store = store;
        var collection = store.GetCollection(TimelineDocuments.Collection);
        collection.EnsureIndex(TimelineDocuments.EntityKey, $"$.{TimelineDocuments.EntityKey}");
    }

    public Task AppendAsync(IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var documents = ToDocuments(_store.Mapper, entries);
        // One write on the store's writer thread: the entries commit together (with other queued writes).
        return _store.Writes.RunAsync(db => Store(db, documents), cancellationToken);
    }

    /// <summary>Entries as the timeline collection stores them.</summary>
    internal static List<BsonDocument> ToDocuments(BsonMapper mapper, IEnumerable<TimelineEntry> entries) =>
        entries.Select(entry =>
        {
            var document = mapper.ToDocument(entry);
            document.Remove("id");
            document["_id"] = entry.Id;
            document[TimelineDocuments.EntityKey] = TimelineDocuments.KeyOf(entry.EntityKind, entry.EntityId);
            return document;
        }).ToList();

    /// <summary>
    /// Stores timeline documents in the caller's transaction (a write of the store's write queue): also
    /// used by <see cref="LiteDbGrainStorage"/> to commit an entity's outbox together with its state.
    /// </summary>
    internal static int Store(LiteDatabase db, IReadOnlyList<BsonDocument> documents)
    {
        var collection = db.GetCollection(TimelineDocuments.Collection);
        foreach (var document in documents)
        {
            // Entries are immutable: storing one again changes nothing.
            collection.Upsert(document);
        }

        return documents.Count;
    }

    public Task<Page<TimelineEntry>> ListAsync(
        string entityKind, string entityId, int limit, int offset, CancellationToken cancellationToken = default) =>
        Task.Run(
            () =>
            {
                QueryRules.ValidatePaging(limit, offset);
                var collection = _store.GetCollection(TimelineDocuments.Collection);
                var filter = BsonExpression.Create(
                    $"$.{TimelineDocuments.EntityKey} = @0", TimelineDocuments.KeyOf(entityKind, entityId));
                var total = collection.Count(filter);
                var items = collection.Query().Where(filter)
                    .OrderByDescending(BsonExpression.Create($"[$.{TimelineDocuments.At}, $.{TimelineDocuments.Version}, $._id]"))
                    .Skip(offset).Limit(limit).ToList()
                    .Select(ToEntry).ToList();
                return new Page<TimelineEntry>(items, total, QueryRules.NextOffset(offset, limit, total));
            },
            cancellationToken);

    private TimelineEntry ToEntry(BsonDocument document)
    {
        var entry = _store.Mapper.ToObject<TimelineEntry>(document);
        entry.Id = document["_id"].AsString;
        return entry;
    }
}
