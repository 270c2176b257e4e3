using CrmChatbot.Storage.Queries;
using LiteDB;

namespace CrmChatbot.Storage.LiteDb;

/// <summary>
/// <see cref="IDocumentQueries"/> over LiteDB. Every filter becomes one <see cref="BsonExpression"/>
/// whose text holds only validated field paths and operators; every user value travels as a parameter.
/// </summary>
public sealed class LiteDbDocumentQueries : IDocumentQueries
{
    private static readonly BsonExpression IdOrder = BsonExpression.Create($"[$.{DocumentFields.Id}]");

    private readonly LiteDbStore _store;

    public LiteDbDocumentQueries(LiteDbStore store)
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
        var where = Where(schema, query.Filters, query.Text);
        var sort = SchemaModel.SortField(schema, query.SortField);
        // LiteDB 5 orders by one expression; an array compares element by element, so [key, _id] sorts by
        // key with the id as tie-breaker in the same direction. Never a bare index expression: with an
        // IN filter on that same index, the planner returns the IN list's order instead of sorting.
        var orderBy = sort.Location == FieldLocation.Id
            ? IdOrder
            : BsonExpression.Create($"[{LiteDbDocuments.Path(sort)}, $.{DocumentFields.Id}]");

        return Task.Run(
            () =>
            {
                var total = (long)Filtered(collection, where).Count();
                var items = Filtered(collection, where)
                    .OrderBy(orderBy, query.Descending ? Query.Descending : Query.Ascending)
                    .Skip(query.Offset)
                    .Limit(query.Limit)
                    .ToList()
                    .Select(ToDocument<TState>)
                    .ToList();
                return new DocumentPage<TState>(items, total, QueryRules.NextOffset(query.Offset, query.Limit, total));
            },
            cancellationToken);
    }

    public Task<StoredDocument<TState>?> FindOneAsync<TState>(
        string collection, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default)
        where TState : class, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentNullException.ThrowIfNull(filters);
        var where = Where(CollectionSchemas.For(collection, typeof(TState)), filters, null);
        return Task.Run(
            () =>
            {
                var doc = Filtered(collection, where).OrderBy(IdOrder, Query.Ascending).FirstOrDefault();
                return doc is null ? null : ToDocument<TState>(doc);
            },
            cancellationToken);
    }

    public Task<long> CountAsync(string collection, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentNullException.ThrowIfNull(filters);
        var where = Where(CollectionSchemas.For(collection, typeof(object)), filters, null);
        return Task.Run(() => (long)Filtered(collection, where).Count(), cancellationToken);
    }

    private ILiteQueryable<BsonDocument> Filtered(string collection, IReadOnlyList<BsonExpression> where)
    {
        var q = _store.GetCollection(collection).Query();
        foreach (var expression in where)
        {
            q = q.Where(expression);
        }

        return q;
    }

    private StoredDocument<TState> ToDocument<TState>(BsonDocument doc)
        where TState : class, new()
    {
        var state = doc[DocumentFields.State];
        return new StoredDocument<TState>(
            doc[DocumentFields.Id].AsString,
            state.IsNull ? new TState() : (TState)_store.Mapper.Deserialize(typeof(TState), state));
    }

    private static List<BsonExpression> Where(CollectionSchema schema, IReadOnlyList<FieldFilter> filters, string? text)
    {
        var where = filters.Select(f => Condition(schema, f ?? throw new ArgumentException("A filter is null.", nameof(filters)))).ToList();
        if (QueryRules.NormalizeText(text) is { } needle)
        {
            // INDEXOF over the entries joined by a separator the needle does not contain: a match cannot
            // span two entries. No LIKE, so %, _ and quotes are plain characters.
            where.Add(BsonExpression.Create(
                $"INDEXOF(JOIN($.{SchemaModel.SearchLowerField}, @1), @0) >= 0", needle, Separator(needle)));
        }

        return where;
    }

    private static string Separator(string needle)
    {
        for (var c = '\u0001'; c < '\uffff'; c++)
        {
            if (!char.IsSurrogate(c) && needle.IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return c.ToString();
            }
        }

        throw new ArgumentException("The search text holds every character.", nameof(needle));
    }

    private static BsonExpression Condition(CollectionSchema schema, FieldFilter filter)
    {
        var field = SchemaModel.Resolve(schema, filter.Field);
        var path = LiteDbDocuments.Path(field);
        if (filter.Op == FilterOp.In)
        {
            var values = SchemaModel.InValues(filter);
            var list = new BsonArray(values.Select(LiteDbDocuments.ToBson));
            if (!field.IsArray)
            {
                // A missing field reads as null, so null in the list matches it, as in MongoDB.
                return BsonExpression.Create($"{path} IN @0", list);
            }

            return values.Contains(null)
                ? BsonExpression.Create($"({path} = null OR {path}[*] ANY IN @0)", list)
                : BsonExpression.Create($"{path}[*] ANY IN @0", list);
        }

        var value = LiteDbDocuments.ToBson(SchemaModel.ScalarValue(filter));
        var op = filter.Op switch
        {
            FilterOp.Eq => "=",
            FilterOp.Ne => "!=",
            FilterOp.Gt => ">",
            FilterOp.Gte => ">=",
            FilterOp.Lt => "<",
            FilterOp.Lte => "<=",
            _ => throw new ArgumentOutOfRangeException(nameof(filter), filter.Op, "Unknown filter operator."),
        };

        if (field.IsArray)
        {
            return (filter.Op, value.IsNull) switch
            {
                // MongoDB: { f: null } matches a missing or null field; { f: { $ne: null } } the others.
                (FilterOp.Eq, true) => BsonExpression.Create($"{path} = null"),
                (FilterOp.Ne, true) => BsonExpression.Create($"{path} != null"),
                // Not equal on an array: no element equals the value (an empty or missing array matches).
                (FilterOp.Ne, false) => BsonExpression.Create($"{path}[*] ALL != @0", value),
                _ => BsonExpression.Create($"{path}[*] ANY {op} @0", value),
            };
        }

        return filter.Op is FilterOp.Lt or FilterOp.Lte
            // LiteDB orders null below every value; MongoDB's ranges never match null or missing fields.
            ? BsonExpression.Create($"({path} {op} @0 AND {path} != null)", value)
            : BsonExpression.Create($"{path} {op} @0", value);
    }
}
