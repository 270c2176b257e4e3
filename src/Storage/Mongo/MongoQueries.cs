using System.Text.RegularExpressions;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Users;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrmChatbot.Storage.Mongo;

/// <summary>Lead lists read straight from the <c>leads</c> collection (never through grains).</summary>
public sealed class MongoLeadQueries : ILeadQueries
{
    private readonly MongoStore _store;

    public MongoLeadQueries(MongoStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public Task<Page<LeadDto>> ListAsync(LeadListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueryRules.ValidatePaging(query.Limit, query.Offset);

        var sortKey = query.Sort.Field switch
        {
            LeadSortField.CreatedAt => MongoStore.StatePath(LeadFields.CreatedAt),
            LeadSortField.UpdatedAt => MongoStore.StatePath(LeadFields.UpdatedAt),
            LeadSortField.Name => MongoStore.NameLowerField,
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.Sort.Field, "Unknown lead sort field."),
        };

        var f = Builders<BsonDocument>.Filter;
        var filters = new List<FilterDefinition<BsonDocument>>();
        if (query.Status is { } status)
        {
            filters.Add(f.Eq(MongoStore.StatePath(LeadFields.Status), StoredEnums.ToName(status)));
        }

        if (query.Source is { } source)
        {
            filters.Add(f.Eq(MongoStore.StatePath(LeadFields.Source), StoredEnums.ToName(source)));
        }

        if (query.OwnerId is { } ownerId)
        {
            filters.Add(f.Eq(MongoStore.StatePath(LeadFields.OwnerId), ownerId));
        }

        if (QueryRules.NormalizeText(query.Text) is { } text)
        {
            filters.Add(MongoQuerying.ContainsText(text));
        }

        return MongoQuerying.PageAsync(
            _store,
            StorageNames.Leads,
            MongoQuerying.All(filters),
            MongoQuerying.WithIdTieBreaker(sortKey, query.Sort.Descending),
            query.Limit,
            query.Offset,
            doc => MongoMapping.FromBson<LeadState>(doc[DocumentFields.State]).ToDto(doc[DocumentFields.Id].AsString),
            cancellationToken);
    }
}

/// <summary>User lists and look-ups read straight from the <c>users</c> collection.</summary>
public sealed class MongoUserQueries : IUserQueries
{
    private readonly MongoStore _store;

    public MongoUserQueries(MongoStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public Task<Page<UserDto>> ListAsync(UserListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueryRules.ValidatePaging(query.Limit, query.Offset);

        var f = Builders<BsonDocument>.Filter;
        var filters = new List<FilterDefinition<BsonDocument>>();
        if (query.Role is { } role)
        {
            filters.Add(f.Eq(MongoStore.StatePath(UserFields.Role), StoredEnums.ToName(role)));
        }

        if (query.IsActive is { } isActive)
        {
            filters.Add(f.Eq(MongoStore.StatePath(UserFields.IsActive), isActive));
        }

        if (QueryRules.NormalizeText(query.Text) is { } text)
        {
            filters.Add(MongoQuerying.ContainsText(text));
        }

        return MongoQuerying.PageAsync(
            _store,
            StorageNames.Users,
            MongoQuerying.All(filters),
            MongoQuerying.WithIdTieBreaker(MongoStore.StatePath(UserFields.CreatedAt), descending: false),
            query.Limit,
            query.Offset,
            ToDto,
            cancellationToken);
    }

    public async Task<UserDto?> FindByIdAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var collection = _store.GetCollection(StorageNames.Users);
        var doc = await _store.RunAsync(
            "user look-up by id",
            ct => collection.Find(Builders<BsonDocument>.Filter.Eq(MongoStore.StatePath(UserFields.UserId), userId)).Limit(1).FirstOrDefaultAsync(ct),
            cancellationToken).ConfigureAwait(false);
        return doc is null ? null : ToDto(doc);
    }

    private static UserDto ToDto(BsonDocument doc) => MongoMapping.FromBson<UserState>(doc[DocumentFields.State]).ToDto();
}

/// <summary>Filter and sort builders shared by the query services. User text only ever travels escaped.</summary>
internal static class MongoQuerying
{
    public static FilterDefinition<BsonDocument> All(IReadOnlyList<FilterDefinition<BsonDocument>> filters) =>
        filters.Count == 0 ? Builders<BsonDocument>.Filter.Empty : Builders<BsonDocument>.Filter.And(filters);

    /// <summary>
    /// Case-insensitive literal substring over the collection's text fields (<see cref="MongoStore.TextFields"/>):
    /// the lower-cased needle is matched, regex-escaped, against the lower-cased values in
    /// <see cref="MongoStore.SearchLowerField"/>, so <c>%</c>, <c>_</c>, <c>.</c> and quotes are plain
    /// characters and case folding is .NET's invariant one on every server. A null field never matches.
    /// </summary>
    public static FilterDefinition<BsonDocument> ContainsText(string loweredNeedle) =>
        Builders<BsonDocument>.Filter.Regex(MongoStore.SearchLowerField, new BsonRegularExpression(Regex.Escape(loweredNeedle)));

    /// <summary>Sort by the key, then by <c>_id</c> in the same direction, so that ties are stable.</summary>
    public static SortDefinition<BsonDocument> WithIdTieBreaker(string key, bool descending)
    {
        var s = Builders<BsonDocument>.Sort;
        return descending
            ? s.Combine(s.Descending(key), s.Descending(DocumentFields.Id))
            : s.Combine(s.Ascending(key), s.Ascending(DocumentFields.Id));
    }

    public static Task<Page<T>> PageAsync<T>(
        MongoStore store,
        string collectionName,
        FilterDefinition<BsonDocument> filter,
        SortDefinition<BsonDocument> sort,
        int limit,
        int offset,
        Func<BsonDocument, T> map,
        CancellationToken cancellationToken)
    {
        var collection = store.GetCollection(collectionName);
        return store.RunAsync(
            $"{collectionName} list query",
            async ct =>
            {
                var total = await collection.CountDocumentsAsync(filter, cancellationToken: ct).ConfigureAwait(false);
                var docs = await collection.Find(filter).Sort(sort).Skip(offset).Limit(limit).ToListAsync(ct).ConfigureAwait(false);
                return new Page<T>(docs.Select(map).ToList(), total, QueryRules.NextOffset(offset, limit, total));
            },
            cancellationToken);
    }
}
