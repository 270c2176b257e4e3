using CrmChatbot.Storage.Reminders;
using LiteDB;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.LiteDb;

/// <summary>
/// Orleans' reminder table over the shared <see cref="LiteDbStore"/>: collection
/// <see cref="ReminderFields.Collection"/>, one document per reminder (layout in <see cref="ReminderFields"/>).
/// Every upsert writes a new etag; <see cref="RemoveRow"/> is an atomic delete on <c>_id</c> + <c>etag</c>.
/// Range reads follow Orleans' (begin, end] ring rule (<see cref="ReminderHashRange"/>).
/// </summary>
public sealed class LiteDbReminderTable : IReminderTable
{
    private readonly LiteDbStore _store;

    public LiteDbReminderTable(LiteDbStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        var reminders = Collection;
        reminders.EnsureIndex(ReminderFields.GrainHash, $"$.{ReminderFields.GrainHash}");
        reminders.EnsureIndex(ReminderFields.GrainId, $"$.{ReminderFields.GrainId}");
    }

    private ILiteCollection<BsonDocument> Collection => _store.GetCollection(ReminderFields.Collection);

    public Task Init() => Task.CompletedTask;

    // LiteDB is synchronous; Task.Run keeps lock waits and disk I/O off the caller's thread. Writes go
    // through the store's write queue (one writer thread, group commit).
    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        Task.Run(() => ToData(Collection.Find(Query.EQ(ReminderFields.GrainId, grainId.ToString()))));

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => Task.Run(() =>
    {
        var collection = Collection;
        var rows = new List<BsonDocument>();
        foreach (var (low, high) in new ReminderHashRange(begin, end).Intervals)
        {
            rows.AddRange(collection.Find(Query.Between(ReminderFields.GrainHash, new BsonValue(low), new BsonValue(high))));
        }

        return ToData(rows);
    });

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        var id = ReminderRowId.For(grainId, reminderName);
        return Task.Run(ReminderEntry? () =>
        {
            BsonDocument? doc = Collection.FindById(id);
            return doc is null ? null : ToRow(doc).ToEntry();
        });
    }

    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        var row = ReminderRow.ForUpsert(entry);
        var document = ToDocument(row);
        // One document, one call: LiteDB's Upsert is atomic (insert, or replace the whole document).
        return _store.Writes.RunAsync(string? (db) =>
        {
            db.GetCollection(ReminderFields.Collection).Upsert(document);
            return row.ETag;
        });
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        var id = ReminderRowId.For(grainId, reminderName);
        if (eTag is null)
        {
            return Task.FromResult(false);
        }

        var filter = BsonExpression.Create($"{ReminderFields.Id} = @0 AND {ReminderFields.ETag} = @1", id, eTag);
        return _store.Writes.RunAsync(db => db.GetCollection(ReminderFields.Collection).DeleteMany(filter) == 1);
    }

    public Task TestOnlyClearTable() => _store.Writes.RunAsync(db => db.GetCollection(ReminderFields.Collection).DeleteAll());

    internal static BsonDocument ToDocument(ReminderRow row) => new()
    {
        [ReminderFields.Id] = row.Id,
        [ReminderFields.GrainId] = row.GrainId,
        [ReminderFields.ReminderName] = row.ReminderName,
        [ReminderFields.GrainHash] = row.GrainHash,
        [ReminderFields.StartAt] = row.StartAt,
        [ReminderFields.PeriodTicks] = row.PeriodTicks,
        [ReminderFields.ETag] = row.ETag,
    };

    internal static ReminderRow ToRow(BsonDocument doc) => new(
        doc[ReminderFields.Id].AsString,
        doc[ReminderFields.GrainId].AsString,
        doc[ReminderFields.ReminderName].AsString,
        doc[ReminderFields.GrainHash].AsInt64,
        doc[ReminderFields.StartAt].AsDateTime,
        doc[ReminderFields.PeriodTicks].AsInt64,
        doc[ReminderFields.ETag].AsString);

    private static ReminderTableData ToData(IEnumerable<BsonDocument> docs) =>
        new(docs.Select(doc => ToRow(doc).ToEntry()));
}
