using System.Collections.Concurrent;
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

    /// <summary>Cached totals beyond this many are dropped all at once (keys hold user-given search text).</summary>
    private const int MaxCachedTotals = 1024;

    private readonly LiteDbStore _store;
    private readonly int _fewSearchMatches;
    private readonly ConcurrentDictionary<string, (long Generation, long Total)> _totals = new(StringComparer.Ordinal);

    public LiteDbDocumentQueries(LiteDbStore store)
        : this(store, DefaultFewSearchMatches)
    {
    }

    /// <param name="fewSearchMatches">Up to this many search matches are looked up by id and sorted in memory (tests move it).</param>
    internal LiteDbDocumentQueries(LiteDbStore store, int fewSearchMatches)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _fewSearchMatches = fewSearchMatches;
    }

    public Task<DocumentPage<TState>> QueryAsync<TState>(string collection, DocumentQuery query, CancellationToken cancellationToken = default)
        where TState : class, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        SchemaModel.ValidateQuery(query);
        var schema = CollectionSchemas.For(collection, typeof(TState));
        var conditions = Conditions(schema, query.Filters, query.Text);
        var sort = SchemaModel.SortField(schema, query.SortField);

        return Task.Run(
            () =>
            {
                var search = Search(collection, schema, query.Text);
                if (search is { Matches: 0 })
                {
                    return new DocumentPage<TState>([], 0, null);
                }

                // Few matches: look them up by id and sort them in memory. Many: walk the sort order testing
                // each document's text (a page of a common word fills early).
                var byId = search is null ? conditions : [.. conditions.Select(c => c.Filter is null ? search.Condition : c)];
                var (where, orderBy) = search is not null && search.Matches <= _fewSearchMatches
                    ? FewMatchesPlan(byId, search.Condition, sort)
                    : Plan(schema, conditions, sort);
                var items = Filtered(collection, where)
                    .OrderBy(orderBy, query.Descending ? Query.Descending : Query.Ascending)
                    .Skip(query.Offset)
                    .Limit(query.Limit)
                    .ToList()
                    .Select(ToDocument<TState>)
                    .ToList();

                // A short page that holds something (or starts at 0) ends the list: its total needs no count.
                // A search alone is counted by its matches; filters on counted fields by the in-memory counts.
                var total = items.Count < query.Limit && (items.Count > 0 || query.Offset == 0)
                    ? (long)query.Offset + items.Count
                    : search is not null && conditions.Count == 1
                        ? search.Matches
                        : CountedInMemory(schema, conditions, search) ??
                            Count(collection, [.. byId.Select(c => c.ToExpression())]);
                return new DocumentPage<TState>(items, total, QueryRules.NextOffset(query.Offset, query.Limit, total));
            },
            cancellationToken);
    }

    /// <summary>
    /// Up to this many search matches are looked up by id and sorted in memory; more are found by walking
    /// the sort order (a page of a common word fills early).
    /// </summary>
    private const int DefaultFewSearchMatches = 500;

    /// <summary>The documents a text search matches: their ids, as a condition on their ids, and how many there are.</summary>
    private sealed record SearchMatches(Condition Condition, List<string> Ids)
    {
        public int Matches => Ids.Count;
    }

    /// <summary>
    /// A text search over the in-memory search texts (<see cref="LiteDbSearchTexts"/>): the ids of the matching
    /// documents, without reading a document. Null without a search, or for a needle holding the separator
    /// (searched by scanning documents, as before).
    /// </summary>
    private SearchMatches? Search(string collection, CollectionSchema schema, string? text)
    {
        if (QueryRules.NormalizeText(text) is not { } needle || schema.SearchFields.Count == 0 ||
            needle.Contains(LiteDbSearchTexts.Separator, StringComparison.Ordinal))
        {
            return null;
        }

        var ids = _store.SearchTexts.Matching(_store, collection, needle);
        return new SearchMatches(new Condition(null, null, $"$.{DocumentFields.Id} IN @0", [new BsonArray(ids.Select(id => new BsonValue(id)))]), ids);
    }

    /// <summary>Few search matches: look them up by id (the only index the planner sees) and sort them in memory.</summary>
    private static (List<BsonExpression> Where, BsonExpression OrderBy) FewMatchesPlan(
        IReadOnlyList<Condition> conditions, Condition search, ResolvedField sort) =>
        ([.. conditions.Select(c => c.ToExpression(hiddenFromPlanner: c != search))], DefaultOrder(sort));

    private static BsonExpression DefaultOrder(ResolvedField sort) =>
        // Never a bare index expression: with an IN filter on that same index, the planner returns the
        // IN list's order instead of sorting. [key, _id] sorts by key with the id as tie-breaker.
        sort.Location == FieldLocation.Id
            ? IdOrder
            : BsonExpression.Create($"[{LiteDbDocuments.Path(sort)}, $.{DocumentFields.Id}]");

    public Task<StoredDocument<TState>?> FindOneAsync<TState>(
        string collection, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default)
        where TState : class, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentNullException.ThrowIfNull(filters);
        var where = Conditions(CollectionSchemas.For(collection, typeof(TState)), filters, null).Select(c => c.ToExpression()).ToList();
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
        var schema = CollectionSchemas.For(collection, typeof(object));
        var conditions = Conditions(schema, filters, null);
        return Task.Run(() => CountedInMemory(schema, conditions, null) ?? Count(collection, [.. conditions.Select(c => c.ToExpression())]), cancellationToken);
    }

    /// <summary>
    /// The total from <see cref="LiteDbFieldCounts"/> when every filter is on a counted field and a text
    /// search (if any) was answered from the search texts; null otherwise (count the documents).
    /// </summary>
    private long? CountedInMemory(CollectionSchema schema, IReadOnlyList<Condition> conditions, SearchMatches? search)
    {
        var filters = conditions.Where(c => c.Filter is not null).ToList();
        if (filters.Count < conditions.Count && search is null)
        {
            return null; // a text condition not answered from the search texts
        }

        return _store.FieldCounts.Count(_store, schema, filters, search?.Ids);
    }

    /// <summary>LiteDB's plan for a page of <paramref name="query"/> (which index, which range, whether it sorts in memory).</summary>
    internal BsonDocument Explain<TState>(string collection, DocumentQuery query)
    {
        var schema = CollectionSchemas.For(collection, typeof(TState));
        var (where, orderBy) = Plan(schema, Conditions(schema, query.Filters, query.Text), SchemaModel.SortField(schema, query.SortField));
        return Filtered(collection, where)
            .OrderBy(orderBy, query.Descending ? Query.Descending : Query.Ascending)
            .Skip(query.Offset)
            .Limit(query.Limit)
            .GetPlan();
    }

    /// <summary>
    /// The where terms and the order of a page. LiteDB's planner uses one index per query: the cheapest
    /// indexed term, else the index whose expression is the ORDER BY, and sorts in memory unless the index
    /// it walks IS the ORDER BY. So when a compound index starts with fields the query filters on for
    /// equality, followed by the sort field and the id, the page reads one range of that index in order and
    /// stops at offset + limit (0.1 ms instead of ~100 ms for 20,000 of 100,000 leads). The other terms
    /// are then written so that the planner cannot pick another index for them.
    /// </summary>
    private static (List<BsonExpression> Where, BsonExpression OrderBy) Plan(
        CollectionSchema schema, IReadOnlyList<Condition> conditions, ResolvedField sort)
    {
        var equalities = new Dictionary<string, Condition>(StringComparer.Ordinal);
        foreach (var condition in conditions)
        {
            if (condition.Filter?.Op == FilterOp.Eq && !condition.Field!.IsArray)
            {
                equalities.TryAdd(condition.Field.Field, condition);
            }
        }

        CompoundIndex? best = null;
        var bestPrefix = -1;
        foreach (var index in LiteDbDocuments.CompoundIndexes(schema))
        {
            // [equality fields..., sort field, _id], or [equality fields..., _id] when sorted by the id.
            var prefix = sort.Location == FieldLocation.Id ? index.Keys.Count - 1 : index.Keys.Count - 2;
            var usable = prefix >= 0 &&
                (sort.Location == FieldLocation.Id || index.Keys[prefix].Field == sort.Field) &&
                index.Keys.Take(prefix).All(k => equalities.ContainsKey(k.Field)) &&
                // Walking the whole collection in order loses to an index seek or range on another field.
                (prefix > 0 || !conditions.Any(c =>
                    c.Filter?.Op is FilterOp.Eq or FilterOp.In ||
                    (c.Filter?.Op is FilterOp.Gt or FilterOp.Gte or FilterOp.Lt or FilterOp.Lte && c.Field!.Field != sort.Field)));
            if (usable && prefix > bestPrefix)
            {
                (best, bestPrefix) = (index, prefix);
            }
        }

        if (best is null)
        {
            return ([.. conditions.Select(c => c.ToExpression())], DefaultOrder(sort));
        }

        var used = best.Keys.Take(bestPrefix).Select(k => equalities[k.Field]).ToList();
        var values = used.Select(c => c.Args[0]).ToList();
        var (lower, upper) = (values.ToList(), values.ToList());
        if (sort.Location != FieldLocation.Id && !sort.IsArray)
        {
            // A range on the sort field narrows the walk too; the range term itself still decides (bounds are inclusive).
            var onSort = conditions.Where(c => c.Field?.Field == sort.Field).ToList();
            if (onSort.FirstOrDefault(c => c.Filter!.Op is FilterOp.Gt or FilterOp.Gte) is { } from)
            {
                lower.Add(from.Args[0]);
            }

            if (onSort.FirstOrDefault(c => c.Filter!.Op is FilterOp.Lt or FilterOp.Lte) is { } to)
            {
                upper.Add(to.Args[0]);
            }
        }

        var where = new List<BsonExpression>();
        if (lower.Count > 0 || upper.Count > 0)
        {
            // Every key within: [v...] <= [v..., x, id] <= [v..., MaxValue] (arrays compare element-wise, shorter first).
            upper.Add(BsonValue.MaxValue);
            where.Add(BsonExpression.Create($"{best.Expression} BETWEEN @0 AND @1", new BsonArray(lower), new BsonArray(upper)));
        }

        where.AddRange(conditions.Where(c => !used.Contains(c)).Select(c => c.ToExpression(hiddenFromPlanner: true)));
        return (where, BsonExpression.Create(best.Expression));
    }

    /// <summary>
    /// The number of matching documents, cached per collection generation (<see cref="LiteDbStore.Generation"/>):
    /// counting 20,000 of 100,000 leads reads every one of them (~50 ms), and lists repeat the same filters.
    /// The generation is read before counting, so a write that lands during the count invalidates the entry.
    /// </summary>
    private long Count(string collection, IReadOnlyList<BsonExpression> where)
    {
        var key = collection + "\n" + string.Join("\n", where.Select(w => w.Source + " " + JsonSerializer.Serialize(w.Parameters)));
        var generation = _store.Generation(collection);
        if (_totals.TryGetValue(key, out var cached) && cached.Generation == generation)
        {
            return cached.Total;
        }

        var total = (long)Filtered(collection, where).Count();
        if (_totals.Count >= MaxCachedTotals)
        {
            _totals.Clear();
        }

        _totals[key] = (generation, total);
        return total;
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

    private static List<Condition> Conditions(CollectionSchema schema, IReadOnlyList<FieldFilter> filters, string? text)
    {
        var where = filters.Select(f => ConditionOf(schema, f ?? throw new ArgumentException("A filter is null.", nameof(filters)))).ToList();
        if (QueryRules.NormalizeText(text) is { } needle)
        {
            // INDEXOF over the entries joined by a separator the needle does not contain: a match cannot
            // span two entries. No LIKE, so %, _ and quotes are plain characters.
            where.Add(new Condition(null, null, $"INDEXOF(JOIN($.{SchemaModel.SearchLowerField}, @1), @0) >= 0", [needle, Separator(needle)]));
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

    private static Condition ConditionOf(CollectionSchema schema, FieldFilter filter)
    {
        var field = SchemaModel.Resolve(schema, filter.Field);
        var path = LiteDbDocuments.Path(field);
        Condition Of(string expression, params BsonValue[] args) => new(filter, field, expression, args);

        if (filter.Op == FilterOp.In)
        {
            var values = SchemaModel.InValues(filter);
            var list = new BsonArray(values.Select(LiteDbDocuments.ToBson));
            if (!field.IsArray)
            {
                // A missing field reads as null, so null in the list matches it, as in MongoDB.
                return Of($"{path} IN @0", list);
            }

            return values.Contains(null)
                ? Of($"({path} = null OR {path}[*] ANY IN @0)", list)
                : Of($"{path}[*] ANY IN @0", list);
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
                (FilterOp.Eq, true) => Of($"{path} = null"),
                (FilterOp.Ne, true) => Of($"{path} != null"),
                // Not equal on an array: no element equals the value (an empty or missing array matches).
                (FilterOp.Ne, false) => Of($"{path}[*] ALL != @0", value),
                _ => Of($"{path}[*] ANY {op} @0", value),
            };
        }

        return filter.Op is FilterOp.Lt or FilterOp.Lte
            // LiteDB orders null below every value; MongoDB's ranges never match null or missing fields.
            ? Of($"({path} {op} @0 AND {path} != null)", value)
            : Of($"{path} {op} @0", value);
    }
}

/// <summary>One where term: the filter it comes from (null for the text search), its field, and its expression text and arguments.</summary>
internal sealed record Condition(FieldFilter? Filter, ResolvedField? Field, string Text, BsonValue[] Args)
{
    /// <summary>
    /// The term as an expression. Hidden from the planner, it compares its own result with true: a
    /// term whose left side is no index expression, so the planner keeps the index chosen for the page.
    /// </summary>
    public BsonExpression ToExpression(bool hiddenFromPlanner = false) =>
        BsonExpression.Create(hiddenFromPlanner ? $"({Text}) = true" : Text, Args);
}
