using System.Text.RegularExpressions;
using CrmChatbot.Storage.Queries;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// <see cref="IDocumentQueries"/> over MongoDB, with the semantics of <c>SqliteDocumentQueries</c>.
/// Values travel as BSON values in the filter document; text is matched as an escaped regex on the
/// lower-cased <c>search_lower</c> entries. Outages surface as <see cref="Common.StorageUnavailableException"/>.
/// </summary>
public sealed class MongoDocumentQueries : IDocumentQueries
{
    private static readonly FilterDefinitionBuilder<BsonDocument> F = Builders<BsonDocument>.Filter;
    private static readonly SortDefinitionBuilder<BsonDocument> S = Builders<BsonDocument>.Sort;

    private readonly MongoStore _store;

    public MongoDocumentQueries(MongoStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public Task<DocumentPage<TState>> QueryAsync<TState>(string collection, DocumentQuery query, CancellationToken cancellationToken = default)
        where TState : class, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        SchemaModel.ValidateQuery(query);
        var schema = CollectionSchemas.For(collection, typeof(TState));
        var filter = Filter(schema, query.Filters, query.Text);
        var key = SchemaModel.SortField(schema, query.SortField).Path;
        if (query.After is { } after)
        {
            filter = F.And(filter, After(key, query.Descending, after));
        }

        var sort = key == DocumentFields.Id
            ? (query.Descending ? S.Descending(key) : S.Ascending(key))
            : query.Descending
                ? S.Combine(S.Descending(key), S.Descending(DocumentFields.Id))
                : S.Combine(S.Ascending(key), S.Ascending(DocumentFields.Id));
        var mongo = _store.GetCollection(collection);

        return _store.RunAsync(
            $"{collection} list query",
            async ct =>
            {
                var total = query.CountTotal ? await mongo.CountDocumentsAsync(filter, cancellationToken: ct).ConfigureAwait(false) : -1;
                var docs = await mongo.Find(filter).Sort(sort).Skip(query.Offset).Limit(query.Limit).ToListAsync(ct).ConfigureAwait(false);
                var last = docs.Count == 0 ? null : new KeysetPosition(SortValue(docs[^1], key), docs[^1][DocumentFields.Id].AsString);
                return new DocumentPage<TState>(
                    docs.Select(ToDocument<TState>).ToList(), total,
                    query.CountTotal ? QueryRules.NextOffset(query.Offset, query.Limit, total) : null) { Last = last };
            },
            cancellationToken);
    }

    public async Task<StoredDocument<TState>?> FindOneAsync<TState>(
        string collection, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default)
        where TState : class, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentNullException.ThrowIfNull(filters);
        var filter = Filter(CollectionSchemas.For(collection, typeof(TState)), filters, null);
        var mongo = _store.GetCollection(collection);
        var doc = await _store.RunAsync(
            $"{collection} look-up",
            ct => mongo.Find(filter).Sort(S.Ascending(DocumentFields.Id)).Limit(1).FirstOrDefaultAsync(ct),
            cancellationToken).ConfigureAwait(false);
        return doc is null ? null : ToDocument<TState>(doc);
    }

    public Task<long> CountAsync(string collection, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentNullException.ThrowIfNull(filters);
        var filter = Filter(CollectionSchemas.For(collection, typeof(object)), filters, null);
        var mongo = _store.GetCollection(collection);
        return _store.RunAsync($"{collection} count", ct => mongo.CountDocumentsAsync(filter, cancellationToken: ct), cancellationToken);
    }

    /// <summary>The value at a dotted path of a stored document; BsonNull when missing (MongoDB sorts both alike).</summary>
    private static BsonValue SortValue(BsonDocument doc, string path)
    {
        BsonValue current = doc;
        foreach (var part in path.Split('.'))
        {
            if (current is not BsonDocument document || !document.TryGetValue(part, out current))
            {
                return BsonNull.Value;
            }
        }

        return current;
    }

    /// <summary>
    /// The documents after <paramref name="after"/> in the order (sort key, _id). Null and missing sort first
    /// ascending and last descending; range operators never match them (type bracketing), so they are added explicitly.
    /// </summary>
    private static FilterDefinition<BsonDocument> After(string key, bool descending, KeysetPosition after)
    {
        var id = new BsonString(after.Id);
        FilterDefinition<BsonDocument> IdBeyond() => descending ? F.Lt(DocumentFields.Id, id) : F.Gt(DocumentFields.Id, id);
        if (key == DocumentFields.Id)
        {
            return IdBeyond();
        }

        var value = after.SortValue as BsonValue ?? BsonNull.Value;
        if (value.IsBsonNull)
        {
            return descending
                ? F.And(F.Eq(key, BsonNull.Value), IdBeyond())
                : F.Or(F.And(F.Eq(key, BsonNull.Value), IdBeyond()), F.Ne(key, BsonNull.Value));
        }

        var beyond = descending ? F.Lt(key, value) : F.Gt(key, value);
        var tie = F.And(F.Eq(key, value), IdBeyond());
        return descending ? F.Or(beyond, tie, F.Eq(key, BsonNull.Value)) : F.Or(beyond, tie);
    }

    private static StoredDocument<TState> ToDocument<TState>(BsonDocument doc)
        where TState : class, new() =>
        new(doc[DocumentFields.Id].AsString, MongoMapping.FromBson<TState>(doc.GetValue(DocumentFields.State, BsonNull.Value)));

    private static FilterDefinition<BsonDocument> Filter(CollectionSchema schema, IReadOnlyList<FieldFilter> filters, string? text)
    {
        var conditions = filters.Select(f => Condition(schema, f ?? throw new ArgumentException("A filter is null.", nameof(filters)))).ToList();
        if (QueryRules.NormalizeText(text) is { } needle)
        {
            // The lower-cased needle, regex-escaped, against the lower-cased entries: a literal substring
            // whatever the server's case folding (jongodb folds ASCII only). A regex on an array matches any entry.
            conditions.Add(F.Regex(SchemaModel.SearchLowerField, new BsonRegularExpression(Regex.Escape(needle))));
        }

        return conditions.Count == 0 ? F.Empty : F.And(conditions);
    }

    private static FilterDefinition<BsonDocument> Condition(CollectionSchema schema, FieldFilter filter)
    {
        // MongoDB's own semantics are the reference: Eq on an array = contains; Eq null = null or
        // missing; Ne matches missing; ranges never match null or missing fields.
        var path = SchemaModel.Resolve(schema, filter.Field).Path;
        if (filter.Op == FilterOp.In)
        {
            return F.In(path, SchemaModel.InValues(filter).Select(MongoDocuments.ToBson));
        }

        var value = MongoDocuments.ToBson(SchemaModel.ScalarValue(filter));
        return filter.Op switch
        {
            FilterOp.Eq => F.Eq(path, value),
            FilterOp.Ne => F.Ne(path, value),
            FilterOp.Gt => F.Gt(path, value),
            FilterOp.Gte => F.Gte(path, value),
            FilterOp.Lt => F.Lt(path, value),
            FilterOp.Lte => F.Lte(path, value),
            _ => throw new ArgumentOutOfRangeException(nameof(filter), filter.Op, "Unknown filter operator."),
        };
    }
}
