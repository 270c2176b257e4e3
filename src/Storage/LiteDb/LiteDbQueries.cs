using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Users;
using LiteDB;

namespace CrmChatbot.Storage.LiteDb;

/// <summary>Lead lists read straight from the <c>leads</c> collection (never through grains).</summary>
public sealed class LiteDbLeadQueries : ILeadQueries
{
    private readonly LiteDbStore _store;

    public LiteDbLeadQueries(LiteDbStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public Task<Page<LeadDto>> ListAsync(LeadListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueryRules.ValidatePaging(query.Limit, query.Offset);
        return Task.Run(() => List(query), cancellationToken);
    }

    private Page<LeadDto> List(LeadListQuery query)
    {
        var filtered = Filter(query);
        var total = filtered.LongCount();

        var sortKey = query.Sort.Field switch
        {
            LeadSortField.CreatedAt => LiteDbStore.StatePath(LeadFields.CreatedAt),
            LeadSortField.UpdatedAt => LiteDbStore.StatePath(LeadFields.UpdatedAt),
            LeadSortField.Name => $"LOWER({LiteDbStore.StatePath(LeadFields.Name)})",
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.Sort.Field, "Unknown lead sort field."),
        };

        var docs = Filter(query)
            .OrderBy(LiteDbQuerying.WithIdTieBreaker(sortKey), query.Sort.Descending ? Query.Descending : Query.Ascending)
            .Skip(query.Offset)
            .Limit(query.Limit)
            .ToList();

        var items = docs
            .Select(doc => ((LeadState)_store.Mapper.Deserialize(typeof(LeadState), doc[DocumentFields.State]))
                .ToDto(doc[DocumentFields.Id].AsString))
            .ToList();
        return new Page<LeadDto>(items, total, QueryRules.NextOffset(query.Offset, query.Limit, total));
    }

    private ILiteQueryable<BsonDocument> Filter(LeadListQuery query)
    {
        var q = _store.GetCollection(StorageNames.Leads).Query();
        if (query.Status is { } status)
        {
            q = q.Where(LiteDbQuerying.Equal(LeadFields.Status, StoredEnums.ToName(status)));
        }

        if (query.Source is { } source)
        {
            q = q.Where(LiteDbQuerying.Equal(LeadFields.Source, StoredEnums.ToName(source)));
        }

        if (query.OwnerId is { } ownerId)
        {
            q = q.Where(LiteDbQuerying.Equal(LeadFields.OwnerId, ownerId));
        }

        if (QueryRules.NormalizeText(query.Text) is { } text)
        {
            q = q.Where(LiteDbQuerying.ContainsText(text, LeadFields.Name, LeadFields.Email, LeadFields.Company));
        }

        return q;
    }
}

/// <summary>User lists and look-ups read straight from the <c>users</c> collection.</summary>
public sealed class LiteDbUserQueries : IUserQueries
{
    private readonly LiteDbStore _store;

    public LiteDbUserQueries(LiteDbStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public Task<Page<UserDto>> ListAsync(UserListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueryRules.ValidatePaging(query.Limit, query.Offset);
        return Task.Run(() => List(query), cancellationToken);
    }

    public Task<UserDto?> FindByIdAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return Task.Run(
            () =>
            {
                var doc = _store.GetCollection(StorageNames.Users).Query()
                    .Where(LiteDbQuerying.Equal(UserFields.UserId, userId))
                    .FirstOrDefault();
                return doc is null ? null : ToDto(doc);
            },
            cancellationToken);
    }

    private Page<UserDto> List(UserListQuery query)
    {
        var total = Filter(query).LongCount();
        var items = Filter(query)
            .OrderBy(LiteDbQuerying.WithIdTieBreaker(LiteDbStore.StatePath(UserFields.CreatedAt)), Query.Ascending)
            .Skip(query.Offset)
            .Limit(query.Limit)
            .ToList()
            .Select(ToDto)
            .ToList();
        return new Page<UserDto>(items, total, QueryRules.NextOffset(query.Offset, query.Limit, total));
    }

    private ILiteQueryable<BsonDocument> Filter(UserListQuery query)
    {
        var q = _store.GetCollection(StorageNames.Users).Query();
        if (query.Role is { } role)
        {
            q = q.Where(LiteDbQuerying.Equal(UserFields.Role, StoredEnums.ToName(role)));
        }

        if (query.IsActive is { } isActive)
        {
            q = q.Where(LiteDbQuerying.Equal(UserFields.IsActive, isActive));
        }

        if (QueryRules.NormalizeText(query.Text) is { } text)
        {
            q = q.Where(LiteDbQuerying.ContainsText(text, UserFields.Name, UserFields.Email));
        }

        return q;
    }

    private UserDto ToDto(BsonDocument doc) =>
        ((UserState)_store.Mapper.Deserialize(typeof(UserState), doc[DocumentFields.State])).ToDto();
}

/// <summary>Expression builders. User input only ever travels as a parameter (@0), never in the text.</summary>
internal static class LiteDbQuerying
{
    public static BsonExpression Equal(string field, BsonValue value) =>
        BsonExpression.Create($"{LiteDbStore.StatePath(field)} = @0", value);

    /// <summary>
    /// Case-insensitive literal substring over several fields, via INDEXOF on LOWER(field): no LIKE,
    /// so %, _ and quotes in the needle are plain characters. A missing or null field never matches.
    /// </summary>
    public static BsonExpression ContainsText(string loweredNeedle, params string[] fields)
    {
        var terms = fields.Select(f => $"INDEXOF(LOWER({LiteDbStore.StatePath(f)}), @0) >= 0");
        return BsonExpression.Create($"({string.Join(" OR ", terms)})", loweredNeedle);
    }

    /// <summary>
    /// LiteDB 5 orders by one expression only; an array compares element by element, so
    /// <c>[key, _id]</c> sorts by key with the id as tie-breaker (in the same direction).
    /// </summary>
    public static BsonExpression WithIdTieBreaker(string keyExpression) =>
        BsonExpression.Create($"[{keyExpression}, $.{DocumentFields.Id}]");
}
