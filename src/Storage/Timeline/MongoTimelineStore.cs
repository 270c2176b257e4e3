using CrmChatbot.Common;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Webhooks;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrmChatbot.Storage.Timeline;

/// <summary>
/// Timeline entries in MongoDB, indexed by entity and time, and the event outbox (<see cref="IEventOutbox"/>) they feed:
/// an entry appended for the first time goes to the outbox first, then to the timeline, so an entry found in the
/// timeline has its event (a re-append after a crash between the two writes stores the event again, with its id).
/// </summary>
public sealed class MongoTimelineStore(MongoStore store) : ITimelineStore, IEventOutbox
{
    private int _indexed;

    private IMongoCollection<BsonDocument> Collection => store.GetCollection(TimelineDocuments.Collection);

    private IMongoCollection<BsonDocument> Outbox => store.GetCollection(EventOutboxDocuments.Collection);

    public async Task AppendAsync(IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken = default)
    {
        await EnsureIndexAsync(cancellationToken);
        foreach (var entry in entries)
        {
            var id = new BsonDocument("_id", entry.Id);
            // An entity's outbox is appended again on its next activation: an entry the timeline has is done.
            var stored = await store.RunAsync("read timeline", ct => Collection.Find(id).Limit(1).ToListAsync(ct), cancellationToken);
            if (stored.Count > 0)
            {
                continue;
            }

            var outboxed = new BsonDocument
            {
                ["_id"] = entry.Id,
                [EventOutboxDocuments.At] = MongoMapping.ToUtc(entry.At),
                [EventOutboxDocuments.Version] = entry.Version,
                [EventOutboxDocuments.Doc] = MongoMapping.ToDocument(entry, entry.Id),
            };
            await store.RunAsync(
                "append event",
                ct => Outbox.ReplaceOneAsync(id, outboxed, new ReplaceOptions { IsUpsert = true }, ct),
                cancellationToken);
            var document = MongoMapping.ToDocument(entry.WithoutSnapshot(), entry.Id);
            // Entries are immutable: storing one again changes nothing.
            await store.RunAsync(
                "append timeline",
                ct => Collection.ReplaceOneAsync(id, document, new ReplaceOptions { IsUpsert = true }, ct),
                cancellationToken);
        }
    }

    async Task<IReadOnlyList<TimelineEntry>> IEventOutbox.ReadAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await EnsureIndexAsync(cancellationToken);
        // Time, then the entity's version: an entity's entries in their order (its timestamps never go back).
        var sort = new BsonDocument { [EventOutboxDocuments.At] = 1, [EventOutboxDocuments.Version] = 1, ["_id"] = 1 };
        var documents = await store.RunAsync(
            "read event outbox", ct => Outbox.Find(FilterDefinition<BsonDocument>.Empty).Sort(sort).Limit(limit).ToListAsync(ct), cancellationToken);
        return [.. documents.Select(d =>
        {
            var entry = MongoMapping.FromBson<TimelineEntry>(d[EventOutboxDocuments.Doc]);
            entry.Id = d["_id"].AsString;
            return entry;
        })];
    }

    async Task IEventOutbox.RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (var id in ids)
        {
            await store.RunAsync("remove event", ct => Outbox.DeleteOneAsync(new BsonDocument("_id", id), ct), cancellationToken);
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
        var order = new BsonDocument { [EventOutboxDocuments.At] = 1, [EventOutboxDocuments.Version] = 1 };
        await store.RunAsync(
            "create event outbox index",
            ct => Outbox.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(order, new CreateIndexOptions { Name = "at_version" }), cancellationToken: ct),
            cancellationToken);
        Volatile.Write(ref _indexed, 1);
    }
}
