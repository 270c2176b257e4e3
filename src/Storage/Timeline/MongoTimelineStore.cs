using CrmChatbot.Common;
using CrmChatbot.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrmChatbot.Storage.Timeline;

/// <summary>Timeline entries in MongoDB, indexed by entity and time.</summary>
public sealed class MongoTimelineStore(MongoStore store) : ITimelineStore
{
    private int _indexed;

    private IMongoCollection<BsonDocument> Collection => store.GetCollection(TimelineDocuments.Collection);

    public async Task AppendAsync(IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken = default)
    {
        await EnsureIndexAsync(cancellationToken);
        foreach (var entry in entries)
        {
            var document = MongoMapping.ToDocument(entry, entry.Id);
            // Entries are immutable: storing one again changes nothing.
            await store.RunAsync(
                "append timeline",
                ct => Collection.ReplaceOneAsync(new BsonDocument("_id", entry.Id), document, new ReplaceOptions { IsUpsert = true }, ct),
                cancellationToken);
        }
    }

    public Task<Page<TimelineEntry>> ListAsync(
        string entityKind, string entityId, int limit, int offset, CancellationToken cancellationToken = default) =>
        ListAsync(entityKind, entityId, limit, offset, [], cancellationToken);

    public async Task<Page<TimelineEntry>> ListAsync(
        string entityKind, string entityId, int limit, int offset, IReadOnlyCollection<string> excludedActions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(excludedActions);
        QueryRules.ValidatePaging(limit, offset);
        await EnsureIndexAsync(cancellationToken);
        var filter = new BsonDocument { [TimelineDocuments.EntityKind] = entityKind, [TimelineDocuments.EntityId] = entityId };
        if (excludedActions.Count > 0)
        {
            // One $ne per action ($nin is not in every server we test on); the entity index still narrows the scan.
            filter["$and"] = new BsonArray(excludedActions.Select(a => new BsonDocument(TimelineDocuments.Action, new BsonDocument("$ne", a))));
        }

        var sort = new BsonDocument { [TimelineDocuments.At] = -1, [TimelineDocuments.Version] = -1, ["_id"] = -1 };
        var total = await store.RunAsync("count timeline", ct => Collection.CountDocumentsAsync(filter, cancellationToken: ct), cancellationToken);
        var documents = await store.RunAsync(
            "read timeline",
            ct => Collection.Find(filter).Sort(sort).Skip(offset).Limit(limit).ToListAsync(ct),
            cancellationToken);
        var items = documents.Select(d =>
        {
            var entry = MongoMapping.FromBson<TimelineEntry>(d);
            entry.Id = d["_id"].AsString;
            return entry;
        }).ToList();
        return new Page<TimelineEntry>(items, total, QueryRules.NextOffset(offset, limit, total));
    }

    private async Task EnsureIndexAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _indexed) != 0)
        {
            return;
        }

        var keys = new BsonDocument { [TimelineDocuments.EntityKind] = 1, [TimelineDocuments.EntityId] = 1, [TimelineDocuments.At] = -1 };
        await store.RunAsync(
            "create timeline index",
            ct => Collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(keys, new CreateIndexOptions { Name = "entity_at" }), cancellationToken: ct),
            cancellationToken);
        Volatile.Write(ref _indexed, 1);
    }
}
