using CrmChatbot.Common;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Timeline;
using LiteDB;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.LiteDb;

/// <summary>
/// Orleans grain storage over <see cref="LiteDbStore"/>. One collection per state name; each grain is
/// one document <c>{ _id: grain key, etag, state: { snake_case fields } }</c>. Every write is an
/// atomic compare-and-swap on <c>_id</c> + <c>etag</c>: a stale etag throws
/// <see cref="InconsistentStateException"/>, never overwrites.
/// </summary>
/// <remarks>
/// An entity state's outbox (<see cref="IEntityState.PendingTimeline"/>: the timeline entries of its changes)
/// commits in the same transaction as the state, into the timeline collection of the same store; the state is
/// stored with an empty outbox and the in-memory one is emptied, so the grain has nothing left to append
/// (one write per change instead of two, and the history never lags the state). Stores without multi-document
/// transactions keep the outbox in the state and let the grain append it afterwards.
/// </remarks>
public sealed class LiteDbGrainStorage : IGrainStorage
{
    /// <summary>LiteDB's error code for a duplicate key in a unique index (including <c>_id</c>).</summary>
    internal const int DuplicateKeyErrorCode = 110;

    private readonly LiteDbStore _store;

    public LiteDbGrainStorage(LiteDbStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>The document id of a grain: its key string.</summary>
    public static string DocumentId(GrainId grainId) => grainId.Key.ToString()!;

    // LiteDB is synchronous; Task.Run keeps lock waits and disk I/O off the caller's thread.
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        return Task.Run(() => Read(stateName, grainId, grainState));
    }

    // Writes go through the store's write queue (one writer thread, group commit); the task completes after commit.
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        return Write(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        return Clear(stateName, grainId, grainState);
    }

    private void Read<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var id = DocumentId(grainId);
        BsonDocument? doc = _store.GetCollection(stateName).FindById(id);
        if (doc is null)
        {
            GrainStates.Reset(grainState);
            return;
        }

        var state = doc[DocumentFields.State];
        grainState.State = state.IsNull ? Activator.CreateInstance<T>() : (T)_store.Mapper.Deserialize(typeof(T), state);
        grainState.ETag = doc[DocumentFields.ETag].AsString;
        grainState.RecordExists = true;
    }

    private async Task Write<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var entity = grainState.State as IEntityState;
        var outbox = entity?.PendingTimeline is { Count: > 0 } pending ? pending : null;
        if (outbox is not null)
        {
            entity!.PendingTimeline = []; // stored with an empty outbox: the entries commit beside it
        }

        try
        {
            await Write(stateName, grainId, grainState, outbox is null ? null : LiteDbTimelineStore.ToDocuments(_store.Mapper, outbox))
                .ConfigureAwait(false);
        }
        catch
        {
            if (outbox is not null)
            {
                entity!.PendingTimeline = outbox; // not stored: the grain keeps the entries
            }

            throw;
        }
    }

    private async Task Write<T>(string stateName, GrainId grainId, IGrainState<T> grainState, List<BsonDocument>? timeline)
    {
        var id = DocumentId(grainId);
        var state = _store.Mapper.Serialize(typeof(T), grainState.State);
        var helpers = LiteDbDocuments.HelperFields(CollectionSchemas.For(stateName, typeof(T)), grainState.State);
        var newETag = ETags.New();
        var expected = grainState.ETag;

        var written = NewDocument(id, newETag, state, helpers);
        if (expected is null)
        {
            try
            {
                await _store.Writes.RunAsync(db =>
                {
                    db.GetCollection(stateName).Insert(written);
                    return timeline is null ? 0 : LiteDbTimelineStore.Store(db, timeline);
                }).ConfigureAwait(false);
            }
            catch (LiteException e) when (e.ErrorCode == DuplicateKeyErrorCode && _store.GetCollection(stateName).Exists(IdIs(id)))
            {
                // Otherwise the duplicate is in another unique index (e.g. users.user_id): rethrown as is.
                throw GrainStates.Conflict("write", stateName, id, StoredETag(stateName, id), expected, e);
            }
        }
        else
        {
            var updated = await _store.Writes.RunAsync(db =>
            {
                var count = ReplaceIfETag(db.GetCollection(stateName), written, expected);
                if (count > 0 && timeline is not null)
                {
                    LiteDbTimelineStore.Store(db, timeline);
                }

                return count;
            }).ConfigureAwait(false);
            if (updated == 0)
            {
                throw GrainStates.Conflict("write", stateName, id, StoredETag(stateName, id), expected, null);
            }
        }

        Committed(stateName, written);
        grainState.ETag = newETag;
        grainState.RecordExists = true;
    }

    /// <summary>
    /// Inserts new grain documents in one transaction per batch, laid out exactly as <see cref="WriteStateAsync"/>
    /// writes them (for seeding and imports: 100,000 leads in seconds instead of a transaction each).
    /// Throws <see cref="LiteException"/> when an id exists; nothing of that batch is written.
    /// </summary>
    public int InsertMany<T>(string stateName, IEnumerable<KeyValuePair<string, T>> states, int batchSize = 5000)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateName);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var collection = _store.GetCollection(stateName);
        var schema = CollectionSchemas.For(stateName, typeof(T));
        var inserted = 0;
        foreach (var batch in states.Chunk(batchSize))
        {
            var documents = batch.Select(x => NewDocument(
                x.Key, ETags.New(), _store.Mapper.Serialize(typeof(T), x.Value), LiteDbDocuments.HelperFields(schema, x.Value))).ToList();
            inserted += collection.InsertBulk(documents);
            foreach (var document in documents)
            {
                Committed(stateName, document);
            }
        }

        return inserted;
    }

    /// <summary>
    /// Reports a committed write to the in-memory views (cached totals, field counts, search texts). Called
    /// after the commit and before the new etag is returned: so one document's writes arrive in commit order.
    /// </summary>
    private void Committed(string stateName, BsonDocument written)
    {
        _store.MarkWritten(stateName);
        _store.FieldCounts.Set(stateName, written);
        if (written.TryGetValue(SchemaModel.SearchLowerField, out var searchLower))
        {
            _store.SearchTexts.Set(stateName, written[DocumentFields.Id].AsString, searchLower);
        }
    }

    private static BsonDocument NewDocument(string id, string etag, BsonValue state, IReadOnlyList<KeyValuePair<string, BsonValue>> helpers)
    {
        var doc = new BsonDocument
        {
            [DocumentFields.Id] = id,
            [DocumentFields.ETag] = etag,
            [DocumentFields.State] = state,
        };
        foreach (var (name, value) in helpers)
        {
            doc[name] = value;
        }

        return doc;
    }

    private async Task Clear<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var id = DocumentId(grainId);
        var expected = grainState.ETag;

        if (expected is null)
        {
            // The caller believes there is no record: deleting one it never read would be a lost update.
            if (_store.GetCollection(stateName).Exists(IdIs(id)))
            {
                throw GrainStates.Conflict("clear", stateName, id, StoredETag(stateName, id), expected, null);
            }
        }
        else
        {
            var filter = IdAndETagAre(id, expected);
            if (await _store.Writes.RunAsync(db => db.GetCollection(stateName).DeleteMany(filter)).ConfigureAwait(false) > 0)
            {
                // Committed: now the in-memory views may follow.
                _store.MarkWritten(stateName);
                _store.FieldCounts.Remove(stateName, id);
                _store.SearchTexts.Remove(stateName, id);
            }
            else
            {
                var stored = StoredETag(stateName, id);
                if (stored is not null)
                {
                    throw GrainStates.Conflict("clear", stateName, id, stored, expected, null);
                }

                // Already gone: the outcome the caller asked for.
            }
        }

        GrainStates.Reset(grainState);
    }

    /// <summary>
    /// The compare-and-swap, run on the writer thread inside its transaction (no write can come between the
    /// check and the replace): 1 when the stored etag was <paramref name="expected"/> and the document is now
    /// <paramref name="next"/>, else 0. Only the id and the etag are read (the first two fields of every grain
    /// document: LiteDB stops reading there), not the whole stored document.
    /// </summary>
    private static int ReplaceIfETag(ILiteCollection<BsonDocument> collection, BsonDocument next, string expected)
    {
        var stored = collection.Query().Where(IdIs(next[DocumentFields.Id].AsString)).Select(ETagOnly).FirstOrDefault();
        return stored is not null && stored[DocumentFields.ETag] == expected && collection.Update(next) ? 1 : 0;
    }

    private static readonly BsonExpression ETagOnly = BsonExpression.Create($"{{ {DocumentFields.ETag}: $.{DocumentFields.ETag} }}");

    private static BsonExpression IdIs(string id) => BsonExpression.Create($"{DocumentFields.Id} = @0", id);

    private static BsonExpression IdAndETagAre(string id, string etag) =>
        BsonExpression.Create($"{DocumentFields.Id} = @0 AND {DocumentFields.ETag} = @1", id, etag);

    private string? StoredETag(string stateName, string id)
    {
        BsonDocument? doc = _store.GetCollection(stateName).FindById(id);
        return doc?[DocumentFields.ETag].AsString;
    }
}
