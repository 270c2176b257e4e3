using CrmChatbot.Storage.Reminders;
using MongoDB.Bson;
using MongoDB.Driver;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// Orleans' reminder table over the shared <see cref="MongoStore"/>: collection
/// <see cref="ReminderFields.Collection"/>, one document per reminder, the same layout as SQLite's
/// (<see cref="ReminderFields"/>: <c>grain_hash</c> an Int64 so that range comparisons are unsigned,
/// <c>start_at</c> a UTC date, <c>period_ticks</c> an Int64). Every upsert replaces the whole document
/// with a new etag; <see cref="RemoveRow(GrainId, string, string, CancellationToken)"/> is an atomic
/// delete on <c>_id</c> + <c>etag</c>. Range reads follow Orleans' (begin, end] ring rule
/// (<see cref="ReminderHashRange"/>). The <c>grain_hash</c> and <c>grain_id</c> indexes are created
/// (idempotently) by <see cref="StartAsync"/> / <see cref="Init"/>, which the reminder service calls at
/// silo start. Every operation runs through <see cref="MongoStore.RunAsync{T}"/>: outages surface as
/// <see cref="Common.StorageUnavailableException"/>.
/// </summary>
public sealed class MongoReminderTable : IReminderTable
{
    /// <summary>Attempts of an upsert that loses an insert race (duplicate key) before giving up.</summary>
    private const int UpsertAttempts = 5;

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly MongoStore _store;

    public MongoReminderTable(MongoStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    private IMongoCollection<BsonDocument> Collection => _store.GetCollection(ReminderFields.Collection);

    public Task Init() => StartAsync(CancellationToken.None);

    /// <summary>Creates the <c>grain_hash</c> and <c>grain_id</c> indexes (a no-op when they exist).</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) =>
        _store.RunAsync(
            "reminder index creation",
            ct => Collection.Indexes.CreateManyAsync(Indexes(), ct),
            cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    public Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken)
    {
        var filter = Filter.Eq(ReminderFields.GrainId, grainId.ToString());
        return _store.RunAsync("reminder read by grain", ct => FindAsync(filter, ct), cancellationToken);
    }

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    public Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken)
    {
        var intervals = new ReminderHashRange(begin, end).Intervals
            .Select(i => Filter.Gte(ReminderFields.GrainHash, i.Low) & Filter.Lte(ReminderFields.GrainHash, i.High))
            .ToList();
        var filter = intervals.Count == 1 ? intervals[0] : Filter.Or(intervals);
        return _store.RunAsync("reminder read by hash range", ct => FindAsync(filter, ct), cancellationToken);
    }

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        var filter = Filter.Eq(ReminderFields.Id, ReminderRowId.For(grainId, reminderName));
        return _store.RunAsync<ReminderEntry?>(
            "reminder read",
            async ct =>
            {
                var doc = await Collection.Find(filter).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return doc is null ? null : ToRow(doc).ToEntry();
            },
            cancellationToken);
    }

    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    public Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        var row = ReminderRow.ForUpsert(entry);
        var doc = ToDocument(row);
        var filter = Filter.Eq(ReminderFields.Id, row.Id);
        var options = new ReplaceOptions { IsUpsert = true };
        return _store.RunAsync<string?>(
            "reminder upsert",
            async ct =>
            {
                // One document, one call: insert, or replace the whole document. Two concurrent upserts
                // of a missing row can both try the insert; the loser gets a duplicate key (MongoWriteException
                // on MongoDB, MongoCommandException 11000 on jongodb) and retries, now as a replace.
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await Collection.ReplaceOneAsync(filter, doc, options, ct).ConfigureAwait(false);
                        return row.ETag;
                    }
                    catch (MongoException e) when (attempt < UpsertAttempts && MongoFailures.IsDuplicateKey(e))
                    {
                    }
                }
            },
            cancellationToken);
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        var id = ReminderRowId.For(grainId, reminderName);
        if (eTag is null)
        {
            return Task.FromResult(false);
        }

        var filter = Filter.Eq(ReminderFields.Id, id) & Filter.Eq(ReminderFields.ETag, eTag);
        return _store.RunAsync(
            "reminder removal",
            async ct => (await Collection.DeleteOneAsync(filter, ct).ConfigureAwait(false)).DeletedCount == 1,
            cancellationToken);
    }

    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    public Task TestOnlyClearTable(CancellationToken cancellationToken) =>
        _store.RunAsync("reminder table clear", ct => Collection.DeleteManyAsync(Filter.Empty, ct), cancellationToken);

    internal static BsonDocument ToDocument(ReminderRow row) => new()
    {
        [ReminderFields.Id] = row.Id,
        [ReminderFields.GrainId] = row.GrainId,
        [ReminderFields.ReminderName] = row.ReminderName,
        [ReminderFields.GrainHash] = new BsonInt64(row.GrainHash),
        [ReminderFields.StartAt] = new BsonDateTime(ReminderRow.ToUtc(row.StartAt)),
        [ReminderFields.PeriodTicks] = new BsonInt64(row.PeriodTicks),
        [ReminderFields.ETag] = row.ETag,
    };

    internal static ReminderRow ToRow(BsonDocument doc) => new(
        doc[ReminderFields.Id].AsString,
        doc[ReminderFields.GrainId].AsString,
        doc[ReminderFields.ReminderName].AsString,
        doc[ReminderFields.GrainHash].ToInt64(),
        doc[ReminderFields.StartAt].ToUniversalTime(),
        doc[ReminderFields.PeriodTicks].ToInt64(),
        doc[ReminderFields.ETag].AsString);

    private async Task<ReminderTableData> FindAsync(FilterDefinition<BsonDocument> filter, CancellationToken cancellationToken)
    {
        var docs = await Collection.Find(filter).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new ReminderTableData(docs.Select(doc => ToRow(doc).ToEntry()));
    }

    private static IEnumerable<CreateIndexModel<BsonDocument>> Indexes()
    {
        var keys = Builders<BsonDocument>.IndexKeys;
        yield return new CreateIndexModel<BsonDocument>(keys.Ascending(ReminderFields.GrainHash), new CreateIndexOptions { Name = ReminderFields.GrainHash });
        yield return new CreateIndexModel<BsonDocument>(keys.Ascending(ReminderFields.GrainId), new CreateIndexOptions { Name = ReminderFields.GrainId });
    }
}
