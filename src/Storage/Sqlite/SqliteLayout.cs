using System.Collections;
using System.Globalization;
using System.Text;
using CrmChatbot.Storage.Queries;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>A real column of a collection table: the field it holds (a state field or a computed field) and its quoted name.</summary>
internal sealed record SqliteColumn(ResolvedField Field, string Name);

/// <summary>
/// The table of one collection, derived from its <see cref="CollectionSchema"/>:
/// <c>rid INTEGER PRIMARY KEY, id TEXT UNIQUE, etag, doc</c> (the state as JSON), one real column per field the
/// schema indexes and per computed field (what lists filter and sort on; never a generated column over the JSON:
/// those made every update rewrite every index), the joined search text with an FTS5 trigram index over it when
/// the schema has search fields, and the schema's indexes with the id as last key.
/// </summary>
internal sealed class SqliteLayout
{
    /// <summary>Separates the entries of the search text; an entry's own separators are stored as spaces, so no match spans two entries.</summary>
    public const char SearchSeparator = '\u001f';

    private readonly Dictionary<string, SqliteColumn> _byField;

    // Positions of the counted columns among the helper values (after the search text, when searched).
    private readonly int[] _countedHelpers;

    public SqliteLayout(CollectionSchema schema, bool registered)
    {
        SqliteNames.ValidateTable(schema.Name);
        Schema = schema;
        Registered = registered;
        Table = SqliteNames.Quote(schema.Name);
        FtsTable = SqliteNames.Quote(schema.Name + "__fts");
        Searched = schema.SearchFields.Count > 0;

        var columns = new List<SqliteColumn>();
        void Add(ResolvedField field)
        {
            if (field.Location != FieldLocation.Id && columns.All(c => c.Field.Path != field.Path))
            {
                columns.Add(new SqliteColumn(field, SqliteNames.Quote(field.Path)));
            }
        }

        foreach (var name in schema.Computed.Keys)
        {
            Add(SchemaModel.Resolve(schema, name));
        }

        foreach (var key in schema.Indexes.SelectMany(i => i.Keys))
        {
            Add(SchemaModel.Resolve(schema, key.Field));
        }

        Columns = columns;
        _byField = columns.ToDictionary(c => c.Field.Field, StringComparer.Ordinal);

        var helpers = string.Concat(columns.Select(c => ", " + c.Name));
        var search = Searched ? ", search_text" : "";
        CreateTable =
            $"CREATE TABLE IF NOT EXISTS {Table} (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, etag TEXT NOT NULL, doc TEXT NOT NULL{search}{helpers})";
        CreateFts = Searched
            ? $"CREATE VIRTUAL TABLE IF NOT EXISTS {FtsTable} USING fts5(search_text, content={SqliteNames.Literal(schema.Name)}, " +
              "content_rowid='rid', tokenize='trigram case_sensitive 1')"
            : null;
        Indexes = BuildIndexes();
        ArrayIndexes = BuildArrayIndexes();
        CountedColumns = [.. schema.CountedFields.Select(f => ColumnOf(SchemaModel.Resolve(schema, f))!)];
        CountsRawName = schema.Name + "__counts";
        CountsTable = SqliteNames.Quote(CountsRawName);
        CountsDdl = BuildCounts();
        AdjustCount = $"INSERT INTO {CountsTable} (field, value, n) VALUES (@p0, @p1, @p2) ON CONFLICT (field, value) DO UPDATE SET n = n + excluded.n";
        _countedHelpers = [.. CountedColumns.Select(c => (Searched ? 1 : 0) + columns.IndexOf(c))];
        Signature = string.Join(
            "\n",
            new[] { CreateTable, CreateFts ?? "" }.Concat(Indexes.Select(i => i.Sql)).Concat(ArrayIndexes.SelectMany(a => new[] { a.CreateTable, a.CreateRidIndex }))
                .Concat(CountsDdl));

        var parameters = Enumerable.Range(0, 3 + (Searched ? 1 : 0) + columns.Count).Select(SqliteSession.ParameterName);
        SelectForWrite = $"SELECT rid, etag{search}{helpers} FROM {Table} WHERE id = @p0";
        Insert = $"INSERT INTO {Table} (id, etag, doc{search}{helpers}) VALUES ({string.Join(", ", parameters)})";
    }

    public CollectionSchema Schema { get; }

    /// <summary>False for a collection without a registered schema (a plain id/etag/doc table).</summary>
    public bool Registered { get; }

    public string Table { get; }

    public string FtsTable { get; }

    public bool Searched { get; }

    public IReadOnlyList<SqliteColumn> Columns { get; }

    public string CreateTable { get; }

    public string? CreateFts { get; }

    public IReadOnlyList<(string Name, string Sql)> Indexes { get; }

    /// <summary>The element tables of indexed array fields (SQLite indexes no JSON array elements).</summary>
    public IReadOnlyList<SqliteArrayIndex> ArrayIndexes { get; }

    public SqliteArrayIndex? ArrayIndexOf(ResolvedField field) => ArrayIndexes.FirstOrDefault(a => a.Column.Field.Field == field.Field);

    /// <summary>What the table looks like: stored in the schema table; a different one at start-up means a migration.</summary>
    public string Signature { get; }

    /// <summary>rid, etag, [search_text], helper columns of one id: what a write compares against.</summary>
    public string SelectForWrite { get; }

    /// <summary>id, etag, doc, [search_text], helper columns.</summary>
    public string Insert { get; }

    public SqliteColumn? ColumnOf(ResolvedField field) => _byField.GetValueOrDefault(field.Field);

    /// <summary>The columns of <see cref="CollectionSchema.CountedFields"/>: their rows per value are kept in <see cref="CountsTable"/>.</summary>
    public IReadOnlyList<SqliteColumn> CountedColumns { get; }

    public string CountsRawName { get; }

    /// <summary>
    /// <c>(field, value, n)</c>: the number of rows holding each non-null value of each counted column, and the number
    /// of rows under <c>('', '')</c>. Grain storage adjusts it in the transaction of every insert, delete and update
    /// of a counted column (<see cref="CountDeltas"/>; not with triggers: a trigger makes every INSERT a statement
    /// transaction, and SQLite's statement journal made bulk inserts quadratic). A list total filtered by one of them
    /// is then one lookup.
    /// </summary>
    public string CountsTable { get; }

    /// <summary>The counts table (none without counted columns).</summary>
    public IReadOnlyList<string> CountsDdl { get; }

    /// <summary>Adds <c>@p2</c> to the count of <c>(@p0, @p1)</c>, creating it.</summary>
    public string AdjustCount { get; }

    /// <summary>Recomputes the counts from the rows (a migration; writes keep them afterwards).</summary>
    public IEnumerable<string> RebuildCounts()
    {
        yield return $"DELETE FROM {CountsTable}";
        yield return $"INSERT INTO {CountsTable} (field, value, n) SELECT '', '', count(*) FROM {Table}";
        foreach (var column in CountedColumns)
        {
            yield return $"INSERT INTO {CountsTable} (field, value, n) SELECT {SqliteNames.Literal(column.Field.Path)}, {column.Name}, count(*) " +
                $"FROM {Table} WHERE {column.Name} IS NOT NULL GROUP BY {column.Name}";
        }
    }

    /// <summary>
    /// Adds to <paramref name="deltas"/> the count changes of one row going from the helper values
    /// <paramref name="before"/> to <paramref name="after"/> (null: no row): the row itself under <c>('', '')</c> and
    /// each counted column whose value changed.
    /// </summary>
    public void CountDeltas(object?[]? before, object?[]? after, Dictionary<(string Field, object Value), long> deltas)
    {
        if (CountedColumns.Count == 0)
        {
            return;
        }

        if ((before is null) != (after is null))
        {
            AddDelta(deltas, "", "", after is null ? -1 : 1);
        }

        for (var i = 0; i < CountedColumns.Count; i++)
        {
            var old = before?[_countedHelpers[i]];
            var value = after?[_countedHelpers[i]];
            if (!Equals(old, value))
            {
                AddDelta(deltas, CountedColumns[i].Field.Path, old, -1);
                AddDelta(deltas, CountedColumns[i].Field.Path, value, 1);
            }
        }
    }

    /// <summary>Adjusts the counts for one row going from <paramref name="before"/> to <paramref name="after"/>, in the caller's transaction.</summary>
    public void AdjustCounts(SqliteSession session, object?[]? before, object?[]? after)
    {
        if (CountedColumns.Count == 0)
        {
            return;
        }

        var deltas = new Dictionary<(string Field, object Value), long>();
        CountDeltas(before, after, deltas);
        ApplyCounts(session, deltas);
    }

    /// <summary>Applies <paramref name="deltas"/> to the counts table, in the caller's transaction.</summary>
    public void ApplyCounts(SqliteSession session, Dictionary<(string Field, object Value), long> deltas)
    {
        foreach (var ((field, value), n) in deltas)
        {
            if (n != 0)
            {
                session.Execute(AdjustCount, field, value, n);
            }
        }
    }

    private static void AddDelta(Dictionary<(string Field, object Value), long> deltas, string field, object? value, long n)
    {
        if (value is not null)
        {
            deltas[(field, value)] = deltas.GetValueOrDefault((field, value)) + n;
        }
    }

    private List<string> BuildCounts() => CountedColumns.Count == 0
        ? []
        : [$"CREATE TABLE IF NOT EXISTS {CountsTable} (field TEXT NOT NULL, value NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (field, value)) WITHOUT ROWID"];

    /// <summary>The helper values of a state as bound: the search text (when searched), then one per column.</summary>
    public object?[] HelperValues(object? state) => Helpers(state).Values;

    /// <summary>The helper values (see <see cref="HelperValues"/>) and the distinct non-null elements of each indexed array.</summary>
    public (object?[] Values, List<object>[] Elements) Helpers(object? state)
    {
        var values = new object?[(Searched ? 1 : 0) + Columns.Count];
        var elements = new List<object>[ArrayIndexes.Count];
        var helpers = SchemaModel.HelperFields(Schema, state).ToDictionary(x => x.Key, x => x.Value, StringComparer.Ordinal);
        var i = 0;
        if (Searched)
        {
            values[i++] = SearchText(helpers.GetValueOrDefault(SchemaModel.SearchLowerField));
        }

        foreach (var column in Columns)
        {
            var value = column.Field.Location == FieldLocation.Computed
                ? helpers.GetValueOrDefault(column.Field.Field)
                : SchemaModel.Normalize(SchemaModel.ReadPath(state, column.Field.Field));
            values[i++] = ToDb(value);
            for (var a = 0; a < ArrayIndexes.Count; a++)
            {
                if (ArrayIndexes[a].Column == column)
                {
                    elements[a] = value is IEnumerable items
                        ? items.Cast<object?>().Select(ToDb).OfType<object>().Distinct().ToList()
                        : [];
                }
            }
        }

        return (values, elements);
    }

    /// <summary>A normalized value (<see cref="SchemaModel.Normalize"/>) as SQLite holds it: what json_extract gives for the stored JSON.</summary>
    public static object? ToDb(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? 1L : 0L,
        int n => (long)n,
        long n => n,
        double d => d,
        decimal m => (double)m,
        Guid g => g.ToString("D"),
        DateTime t => SqliteJson.FormatDate(t),
        IEnumerable items => SqliteJson.Serialize(items.Cast<object?>().Select(JsonValue).ToList(), typeof(List<object?>)),
        _ => throw new ArgumentException($"A {value.GetType().FullName} is not a normalized value.", nameof(value)),
    };

    // Array elements as the state JSON holds them (dates as text, Guids as text), inside a JSON array.
    private static object? JsonValue(object? value) => value switch
    {
        DateTime t => SqliteJson.FormatDate(t),
        Guid g => g.ToString("D"),
        _ => value,
    };

    private static string? SearchText(object? entries)
    {
        if (entries is not IEnumerable list)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var entry in list)
        {
            if (entry is string s)
            {
                if (text.Length > 0)
                {
                    text.Append(SearchSeparator);
                }

                text.Append(s.Replace(SearchSeparator, ' '));
            }
        }

        return text.Length == 0 ? null : text.ToString();
    }

    private List<SqliteArrayIndex> BuildArrayIndexes()
    {
        var arrays = new List<SqliteArrayIndex>();
        foreach (var spec in Schema.Indexes)
        {
            foreach (var key in spec.Keys)
            {
                var field = SchemaModel.Resolve(Schema, key.Field);
                if (field.IsArray && arrays.All(a => a.Column.Field.Field != field.Field))
                {
                    var raw = $"{Schema.Name}__ix__{SchemaModel.IndexName(spec)}";
                    var table = SqliteNames.Quote(raw);
                    arrays.Add(new SqliteArrayIndex(
                        ColumnOf(field)!,
                        raw,
                        table,
                        $"CREATE TABLE IF NOT EXISTS {table} (value NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (value, rid)) WITHOUT ROWID",
                        $"CREATE INDEX IF NOT EXISTS {SqliteNames.Quote(raw + "__rid")} ON {table} (rid)"));
                }
            }
        }

        return arrays;
    }

    private List<(string Name, string Sql)> BuildIndexes()
    {
        var indexes = new List<(string Name, string Sql)>();
        foreach (var spec in Schema.Indexes)
        {
            var fields = spec.Keys.Select(k => (Field: SchemaModel.Resolve(Schema, k.Field), k.Descending)).ToList();
            if (fields.Any(f => f.Field.IsArray) || (fields.Count == 1 && fields[0].Field.Location == FieldLocation.Id))
            {
                continue; // JSON arrays are matched with json_each, not through an index; the id is always indexed.
            }

            if (!spec.Unique && fields.All(f => f.Field.Location != FieldLocation.Id) && fields.Count > 1)
            {
                fields.Add((SchemaModel.Resolve(Schema, DocumentFields.Id), fields[^1].Descending)); // ties fall back to the id
            }

            var name = SqliteNames.Quote($"{Schema.Name}__ix__{SchemaModel.IndexName(spec)}");
            var keys = string.Join(", ", fields.Select(f =>
                (f.Field.Location == FieldLocation.Id ? "id" : ColumnOf(f.Field)!.Name) + (f.Descending ? " DESC" : "")));
            indexes.Add((name, $"CREATE {(spec.Unique ? "UNIQUE " : "")}INDEX {name} ON {Table} ({keys})"));
        }

        return indexes.DistinctBy(i => i.Name, StringComparer.Ordinal).ToList();
    }
}

/// <summary>
/// The element table of an indexed array field: one row (element, rid) per distinct non-null element, so that
/// "the array contains x" is an index lookup. Kept by grain storage in the same transaction as the row.
/// </summary>
internal sealed record SqliteArrayIndex(SqliteColumn Column, string RawName, string Table, string CreateTable, string CreateRidIndex);

/// <summary>Identifier and literal quoting for the few names written into SQL text (all validated first).</summary>
internal static class SqliteNames
{
    public static void ValidateTable(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{name}' cannot be a collection name (ASCII letters, digits and underscores).", nameof(name));
        }
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A JSON path for json_extract of a validated dotted state field, e.g. <c>'$.sla.breached'</c>.</summary>
    public static string JsonPath(string field) => Literal("$." + field);

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
