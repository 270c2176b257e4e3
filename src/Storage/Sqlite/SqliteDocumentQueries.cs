using System.Text;
using CrmChatbot.Storage.Queries;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// <see cref="IDocumentQueries"/> over SQLite. Each filter becomes one SQL term over a real column (fields the schema
/// indexes, computed fields) or <c>json_extract</c> of the state (other fields); JSON arrays are matched with
/// <c>json_each</c>. The SQL text holds only validated names and operators; every value is a parameter. Text search
/// uses the FTS5 trigram index (needles of 3 characters or more) or <c>instr</c> over the search text (shorter ones):
/// a case-insensitive substring of one search entry, as in MongoDB. Totals are exact: <c>count(*)</c>, in the same
/// read snapshot as the page.
/// </summary>
public sealed class SqliteDocumentQueries : IDocumentQueries
{
    private readonly SqliteStore _store;

    /// <summary>Up to this many search matches are looked up by id and sorted; more are found by walking the sort order.</summary>
    public const int DefaultFewSearchMatches = 500;

    /// <summary>
    /// A walk of the sort order expected to fill the page within this many rows tests each row's search text itself
    /// (<c>instr</c>); a longer one tests membership in the search index's matches.
    /// </summary>
    public const int DefaultDenseWalkRows = 20_000;

    private readonly int _fewSearchMatches;
    private readonly int _denseWalkRows;

    public SqliteDocumentQueries(SqliteStore store)
        : this(store, DefaultFewSearchMatches, DefaultDenseWalkRows)
    {
    }

    /// <param name="fewSearchMatches">Up to this many search matches are looked up by id (tests move it).</param>
    /// <param name="denseWalkRows">The longest expected walk that tests the search text itself (tests move it).</param>
    internal SqliteDocumentQueries(SqliteStore store, int fewSearchMatches, int denseWalkRows = DefaultDenseWalkRows)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _fewSearchMatches = fewSearchMatches;
        _denseWalkRows = denseWalkRows;
    }

    public Task<DocumentPage<TState>> QueryAsync<TState>(string collection, DocumentQuery query, CancellationToken cancellationToken = default)
        where TState : class, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        SchemaModel.ValidateQuery(query);
        var layout = _store.Layout(collection, typeof(TState));
        var sort = SchemaModel.SortField(layout.Schema, query.SortField);
        var where = Where(layout, query.Filters, query.Text);
        cancellationToken.ThrowIfCancellationRequested();

        var direction = query.Descending ? " DESC" : "";
        var sortExpression = Expression(layout, sort);
        var order = sort.Location == FieldLocation.Id ? $"id{direction}" : $"{sortExpression}{direction}, id{direction}";
        if (query.After is { } after)
        {
            where.Term(After(sortExpression, sort.Location == FieldLocation.Id, query.Descending, after, where));
        }

        var limit = where.Add(query.Limit);
        var offset = where.Add(query.Offset);
        string Select(SearchPlan plan) =>
            $"SELECT id, doc, {sortExpression} FROM {layout.Table}{where.Sql(plan)} ORDER BY {order} LIMIT {limit} OFFSET {offset}";

        var page = _store.ReadSnapshot(session =>
        {
            // A search's matches are counted first (from the search index alone): few are looked up by id and sorted;
            // many are found by walking the sort order, which fills a page early.
            long? matches = where.SearchPhrase is { } phrase
                ? (long)session.Scalar($"SELECT count(*) FROM {layout.FtsTable} WHERE {layout.FtsTable} MATCH @p0", phrase)!
                : null;
            if (matches == 0)
            {
                return new DocumentPage<TState>([], 0, null);
            }

            var items = new List<StoredDocument<TState>>();
            KeysetPosition? last = null;
            using (var reader = session.Command(Select(Plan(session, layout, query, matches)), [.. where.Args]).ExecuteReader())
            {
                while (reader.Read())
                {
                    items.Add(new StoredDocument<TState>(reader.GetString(0), SqliteJson.Deserialize<TState>(reader.GetString(1))));
                    last = new KeysetPosition(reader.IsDBNull(2) ? null : reader.GetValue(2), reader.GetString(0));
                }
            }

            if (!query.CountTotal)
            {
                return new DocumentPage<TState>(items, -1, null) { Last = last };
            }

            // A short page that holds something (or starts at 0) ends the list: its total needs no count. A search
            // alone is counted by its matches.
            var total = items.Count < query.Limit && (items.Count > 0 || query.Offset == 0)
                ? (long)query.Offset + items.Count
                : query.Filters.Count == 0 && matches is { } counted
                    ? counted
                    : query.After is null
                        ? Count(session, layout, query.Filters, query.Text, where)
                        : (long)session.Scalar($"SELECT count(*) FROM {layout.Table}{where.Sql()}", [.. where.Args])!; // after a keyset position
            return new DocumentPage<TState>(items, total, QueryRules.NextOffset(query.Offset, query.Limit, total)) { Last = last };
        });
        return Task.FromResult(page);
    }

    /// <summary>
    /// How a search finds its page. Few matches: looked up through the search index and sorted. Many: the sort order is
    /// walked; when the matches are dense enough that the page fills within <see cref="_denseWalkRows"/> rows (expected,
    /// from the share of rows that match), each walked row's search text is tested with <c>instr</c>, the same
    /// substring test as the index's phrase, without evaluating the phrase over every match a second time (measured at
    /// 100,000 leads, 4,829 matching: 0.3 ms against 2.4 ms); otherwise each row is tested against the index's matches.
    /// </summary>
    private SearchPlan Plan(SqliteSession session, SqliteLayout layout, DocumentQuery query, long? matches)
    {
        if (matches is not { } found || found <= _fewSearchMatches)
        {
            return SearchPlan.Index;
        }

        // The highest row id bounds the number of rows from above (ids of deleted rows stay counted), read in O(log n).
        var rows = (long)(session.Scalar($"SELECT max(rid) FROM {layout.Table}") ?? 0L);
        var expectedWalk = ((double)query.Offset + query.Limit) * rows / found;
        return expectedWalk <= _denseWalkRows ? SearchPlan.WalkSearchText : SearchPlan.WalkIndexMatches;
    }

    private enum SearchPlan
    {
        /// <summary>The search index drives the query (or there is no search).</summary>
        Index,

        /// <summary>The sort order drives; each row's membership in the index's matches is tested.</summary>
        WalkIndexMatches,

        /// <summary>The sort order drives; each row's search text is tested for the needle.</summary>
        WalkSearchText,
    }

    public Task<StoredDocument<TState>?> FindOneAsync<TState>(
        string collection, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default)
        where TState : class, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentNullException.ThrowIfNull(filters);
        var layout = _store.Layout(collection, typeof(TState));
        var where = Where(layout, filters, null);
        cancellationToken.ThrowIfCancellationRequested();
        var sql = $"SELECT id, doc FROM {layout.Table}{where.Sql()} ORDER BY id LIMIT 1";
        return Task.FromResult(_store.Read(session =>
        {
            using var reader = session.Command(sql, [.. where.Args]).ExecuteReader();
            return reader.Read() ? new StoredDocument<TState>(reader.GetString(0), SqliteJson.Deserialize<TState>(reader.GetString(1))) : null;
        }));
    }

    public Task<long> CountAsync(string collection, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentNullException.ThrowIfNull(filters);
        var layout = _store.Layout(collection, typeof(object));
        var where = Where(layout, filters, null);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_store.Read(session => Count(session, layout, filters, null, where)));
    }

    /// <summary>
    /// The exact number of rows a query matches: from the counts table when the query is unfiltered or one equality
    /// (or IN) filter on a counted field, else <c>count(*)</c> over the WHERE clause.
    /// </summary>
    private static long Count(SqliteSession session, SqliteLayout layout, IReadOnlyList<FieldFilter> filters, string? text, WhereClause where)
    {
        if (layout.CountedColumns.Count > 0 && QueryRules.NormalizeText(text) is null)
        {
            if (filters.Count == 0)
            {
                return (long)session.Scalar($"SELECT coalesce((SELECT n FROM {layout.CountsTable} WHERE field = '' AND value = ''), 0)")!;
            }

            if (filters is [{ Op: FilterOp.Eq or FilterOp.In } filter] &&
                layout.CountedColumns.FirstOrDefault(c => c.Field.Field == SchemaModel.Resolve(layout.Schema, filter.Field).Field) is { } column)
            {
                var values = filter.Op == FilterOp.In ? SchemaModel.InValues(filter) : [SchemaModel.ScalarValue(filter)];
                if (values.All(v => v is not null))
                {
                    // Distinct as stored: a value listed twice is counted once, as IN does.
                    object?[] args = [column.Field.Path, .. values.Select(SqliteLayout.ToDb).Distinct()];
                    var list = string.Join(", ", Enumerable.Range(1, args.Length - 1).Select(SqliteSession.ParameterName));
                    return (long)session.Scalar(
                        $"SELECT coalesce(sum(n), 0) FROM {layout.CountsTable} WHERE field = @p0 AND value IN ({list})", args)!;
                }
            }
        }

        return (long)session.Scalar($"SELECT count(*) FROM {layout.Table}{where.Sql()}", [.. where.Args])!;
    }

    /// <summary>The WHERE clause of a query and its parameters.</summary>
    private sealed class WhereClause
    {
        private readonly List<string> _terms = [];
        private int _searchTerm = -1;

        public List<object?> Args { get; } = [];

        private string? _searchTextTerm;

        /// <summary>The FTS5 phrase of a text search through the search index, or null.</summary>
        public string? SearchPhrase { get; private set; }

        /// <summary>
        /// The clause. Walking, the search term is kept from driving the query, so SQLite walks the index of the sort
        /// order: <c>+rid</c> (no index key) tests each row's membership in the index's matches, or the search text
        /// term tests the row itself.
        /// </summary>
        public string Sql(SearchPlan plan = SearchPlan.Index) => _terms.Count == 0
            ? ""
            : " WHERE " + string.Join(" AND ", _terms.Select((t, i) => i != _searchTerm ? t : plan switch
            {
                SearchPlan.WalkIndexMatches => "+" + t,
                SearchPlan.WalkSearchText => _searchTextTerm,
                _ => t,
            }));

        /// <param name="term">The term through the search index.</param>
        /// <param name="searchTextTerm">The same test on the row's search text.</param>
        /// <param name="phrase">The index's phrase.</param>
        public void SearchTerm(string term, string searchTextTerm, string phrase)
        {
            _searchTerm = _terms.Count;
            _searchTextTerm = searchTextTerm;
            SearchPhrase = phrase;
            _terms.Add(term);
        }

        /// <summary>Adds a parameter and returns its name.</summary>
        public string Add(object? value)
        {
            Args.Add(value);
            return SqliteSession.ParameterName(Args.Count - 1);
        }

        public void Term(string term) => _terms.Add(term);
    }

    private static WhereClause Where(SqliteLayout layout, IReadOnlyList<FieldFilter> filters, string? text)
    {
        var where = new WhereClause();
        foreach (var filter in filters)
        {
            where.Term(Term(layout, filter ?? throw new ArgumentException("A filter is null.", nameof(filters)), where));
        }

        if (QueryRules.NormalizeText(text) is { } needle)
        {
            if (!layout.Searched)
            {
                where.Term("0"); // nothing to search: nothing matches (as in MongoDB, without a search field)
            }
            else if (needle.Contains(SqliteLayout.SearchSeparator, StringComparison.Ordinal))
            {
                where.Term("0"); // entries never hold the separator, so no entry can contain this needle
            }
            else if (needle.EnumerateRunes().Count() >= 3)
            {
                // A trigram phrase matches the needle as a substring; "" escapes a quote inside the phrase.
                var phrase = "\"" + needle.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                where.SearchTerm(
                    $"rid IN (SELECT rowid FROM {layout.FtsTable} WHERE {layout.FtsTable} MATCH {where.Add(phrase)})", SearchText(needle, where), phrase);
            }
            else
            {
                where.Term(SearchText(needle, where));
            }
        }

        return where;
    }

    /// <summary>The needle as a substring of the row's search text (what the trigram phrase matches, too).</summary>
    private static string SearchText(string needle, WhereClause where) => $"instr(search_text, {where.Add(needle)}) > 0";

    /// <summary>
    /// The rows after <paramref name="after"/> in the order (sort key, id), ascending or descending. SQLite sorts
    /// NULL first (ascending) and last (descending), as MongoDB does with null or missing fields.
    /// </summary>
    private static string After(string sortExpression, bool sortIsId, bool descending, KeysetPosition after, WhereClause where)
    {
        var id = where.Add(after.Id);
        var beyond = descending ? "<" : ">";
        if (sortIsId)
        {
            return $"id {beyond} {id}";
        }

        if (after.SortValue is null)
        {
            return descending
                ? $"({sortExpression} IS NULL AND id < {id})"
                : $"(({sortExpression} IS NULL AND id > {id}) OR {sortExpression} IS NOT NULL)";
        }

        var value = where.Add(after.SortValue);
        var nulls = descending ? $" OR {sortExpression} IS NULL" : "";
        return $"({sortExpression} {beyond} {value} OR ({sortExpression} = {value} AND id {beyond} {id}){nulls})";
    }

    /// <summary>A field as SQL: the id, its real column, or json_extract of the state.</summary>
    private static string Expression(SqliteLayout layout, ResolvedField field) =>
        field.Location == FieldLocation.Id ? "id"
        : layout.ColumnOf(field) is { } column ? column.Name
        : field.Location == FieldLocation.State ? $"json_extract(doc, {SqliteNames.JsonPath(field.Field)})"
        : throw new InvalidOperationException($"Computed field '{field.Field}' has no column.");

    private static string Term(SqliteLayout layout, FieldFilter filter, WhereClause where)
    {
        var field = SchemaModel.Resolve(layout.Schema, filter.Field);
        var expression = Expression(layout, field);

        if (filter.Op == FilterOp.In)
        {
            var values = SchemaModel.InValues(filter);
            var nonNull = values.Where(v => v is not null).Select(v => where.Add(SqliteLayout.ToDb(v))).ToList();
            var hasNull = values.Any(v => v is null);
            var list = string.Join(", ", nonNull);
            if (!field.IsArray)
            {
                // A missing field reads as null, so null in the list matches it, as in MongoDB.
                var terms = new List<string>();
                if (nonNull.Count > 0)
                {
                    terms.Add($"{expression} IN ({list})");
                }

                if (hasNull)
                {
                    terms.Add($"{expression} IS NULL");
                }

                return terms.Count == 0 ? "0" : "(" + string.Join(" OR ", terms) + ")";
            }

            var any = nonNull.Count > 0 ? Elements(layout, field, expression, $"value IN ({list})") : "0";
            return hasNull ? $"({expression} IS NULL OR {any})" : any;
        }

        var value = SqliteLayout.ToDb(SchemaModel.ScalarValue(filter));
        var op = filter.Op switch
        {
            FilterOp.Eq => "=",
            FilterOp.Ne => "IS NOT",
            FilterOp.Gt => ">",
            FilterOp.Gte => ">=",
            FilterOp.Lt => "<",
            FilterOp.Lte => "<=",
            _ => throw new ArgumentOutOfRangeException(nameof(filter), filter.Op, "Unknown filter operator."),
        };

        if (value is null)
        {
            // MongoDB: { f: null } matches a missing or null field; { f: { $ne: null } } the others (ranges refuse null).
            return filter.Op == FilterOp.Eq ? $"{expression} IS NULL" : $"{expression} IS NOT NULL";
        }

        var parameter = where.Add(value);
        if (field.IsArray)
        {
            // Not equal on an array: no element equals the value (an empty or missing array matches).
            return filter.Op == FilterOp.Ne
                ? "NOT " + Elements(layout, field, expression, $"value = {parameter}")
                : Elements(layout, field, expression, $"value {op} {parameter}");
        }

        // SQL comparisons with NULL are never true: a range never matches a null or missing field, as in MongoDB;
        // IS NOT also matches a null or missing field, as MongoDB's $ne does.
        return $"{expression} {op} {parameter}";
    }

    /// <summary>Some element of an array satisfies <paramref name="condition"/> (on <c>value</c>): through its element table when indexed.</summary>
    private static string Elements(SqliteLayout layout, ResolvedField field, string arrayExpression, string condition) =>
        layout.ArrayIndexOf(field) is { } index
            ? new StringBuilder("rid IN (SELECT rid FROM ").Append(index.Table).Append(" WHERE ").Append(condition).Append(')').ToString()
            : new StringBuilder("EXISTS (SELECT 1 FROM json_each(").Append(arrayExpression).Append(") WHERE ").Append(condition).Append(')').ToString();
}
