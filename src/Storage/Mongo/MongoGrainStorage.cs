using CrmChatbot.Common;
using CrmChatbot.Storage.Queries;
using MongoDB.Bson;
using MongoDB.Driver;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// Orleans grain storage over <see cref="MongoStore"/>, with the semantics of the SQLite storage. One
/// collection per state name; each grain is one document
/// <c>{ _id: grain key, etag, state: { snake_case fields }, [helper fields] }</c>. Every write is a
/// conditional operation on <c>_id</c> + <c>etag</c>: a stale etag throws
/// <see cref="InconsistentStateException"/>, never overwrites. Outages throw
/// <see cref="Common.StorageUnavailableException"/>.
/// </summary>
public sealed class MongoGrainStorage : IGrainStorage
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly MongoStore _store;

    public MongoGrainStorage(MongoStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>The document id of a grain: its key string.</summary>
    public static string DocumentId(GrainId grainId) => grainId.Key.ToString()!;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var id = DocumentId(grainId);
        var collection = _store.GetCollection(stateName);
        var doc = await _store.RunAsync(
            $"read of '{stateName}/{id}'",
            ct => collection.Find(IdIs(id)).Limit(1).FirstOrDefaultAsync(ct)).ConfigureAwait(false);
        if (doc is null)
        {
            GrainStates.Reset(grainState);
            return;
        }

        grainState.State = MongoMapping.FromBson<T>(doc.GetValue(DocumentFields.State, BsonNull.Value));
        grainState.ETag = doc[DocumentFields.ETag].AsString;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var id = DocumentId(grainId);
        var collection = _store.GetCollection(stateName);
        var state = MongoMapping.ToBson(grainState.State);
        var newETag = ETags.New();
        var expected = grainState.ETag;
        var doc = new BsonDocument
        {
            [DocumentFields.Id] = id,
            [DocumentFields.ETag] = newETag,
            [DocumentFields.State] = state,
        };
        doc.AddRange(MongoDocuments.HelperFields(CollectionSchemas.For(stateName, typeof(T)), grainState.State));
        var what = $"write of '{stateName}/{id}'";

        await _store.RunAsync(
            what,
            async ct =>
            {
                if (expected is null)
                {
                    try
                    {
                        await collection.InsertOneAsync(doc, cancellationToken: ct).ConfigureAwait(false);
                    }
                    catch (MongoException e) when (MongoFailures.IsDuplicateKey(e))
                    {
                        var stored = await StoredETagAsync(collection, id, ct).ConfigureAwait(false);
                        if (stored is null)
                        {
                            // The duplicate is in another unique index (e.g. users.state.user_id): rethrown as is.
                            throw;
                        }

                        throw GrainStates.Conflict("write", stateName, id, stored, expected, e);
                    }
                }
                else
                {
                    // The whole document is replaced: fields absent from the new state do not survive.
                    var result = await collection.ReplaceOneAsync(IdAndETagAre(id, expected), doc, cancellationToken: ct).ConfigureAwait(false);
                    if (result.MatchedCount == 0)
                    {
                        throw GrainStates.Conflict("write", stateName, id, await StoredETagAsync(collection, id, ct).ConfigureAwait(false), expected, null);
                    }
                }
            }).ConfigureAwait(false);

        grainState.ETag = newETag;
        grainState.RecordExists = true;
        CrmDiagnostics.StoreWrites.Add(1, new KeyValuePair<string, object?>("store", "mongodb"));
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var id = DocumentId(grainId);
        var collection = _store.GetCollection(stateName);
        var expected = grainState.ETag;

        await _store.RunAsync(
            $"clear of '{stateName}/{id}'",
            async ct =>
            {
                if (expected is null)
                {
                    // The caller believes there is no record: deleting one it never read would be a lost update.
                    var stored = await StoredETagAsync(collection, id, ct).ConfigureAwait(false);
                    if (stored is not null)
                    {
                        throw GrainStates.Conflict("clear", stateName, id, stored, expected, null);
                    }
                }
                else
                {
                    var result = await collection.DeleteOneAsync(IdAndETagAre(id, expected), ct).ConfigureAwait(false);
                    if (result.DeletedCount == 0)
                    {
                        var stored = await StoredETagAsync(collection, id, ct).ConfigureAwait(false);
                        if (stored is not null)
                        {
                            throw GrainStates.Conflict("clear", stateName, id, stored, expected, null);
                        }

                        // Already gone: the outcome the caller asked for.
                    }
                }
            }).ConfigureAwait(false);

        GrainStates.Reset(grainState);
    }

    private static FilterDefinition<BsonDocument> IdIs(string id) => Filter.Eq(DocumentFields.Id, id);

    private static FilterDefinition<BsonDocument> IdAndETagAre(string id, string etag) =>
        Filter.And(Filter.Eq(DocumentFields.Id, id), Filter.Eq(DocumentFields.ETag, etag));

    private static async Task<string?> StoredETagAsync(IMongoCollection<BsonDocument> collection, string id, CancellationToken cancellationToken)
    {
        // Projections are not honoured by every server (jongodb): the whole document is read.
        var doc = await collection.Find(IdIs(id)).Limit(1).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return doc?[DocumentFields.ETag].AsString;
    }
}
