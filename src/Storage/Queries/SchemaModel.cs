using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace CrmChatbot.Storage.Queries;

/// <summary>Where a field named in a query, sort or index lives in a stored document.</summary>
internal enum FieldLocation
{
    /// <summary>The document id, <c>_id</c>.</summary>
    Id,

    /// <summary>A computed field at the document's top level.</summary>
    Computed,

    /// <summary>A field inside the <c>state</c> sub-document (possibly a dotted path into sub-documents).</summary>
    State,
}

/// <summary>A resolved field: its location, its dotted path from the document root, and whether it holds an array.</summary>
internal sealed record ResolvedField(string Field, FieldLocation Location, bool IsArray)
{
    /// <summary>The path from the document root, e.g. <c>state.sla.breached</c>, <c>name_lower</c>, <c>_id</c>.</summary>
    public string Path => Location switch
    {
        FieldLocation.Id => DocumentFields.Id,
        FieldLocation.Computed => Field,
        _ => $"{DocumentFields.State}.{Field}",
    };
}

/// <summary>
/// Store-neutral reading of a <see cref="CollectionSchema"/>: field resolution, the helper fields
/// written beside the state, value normalization and index names. Both stores build on it so that
/// their documents and query semantics stay identical.
/// </summary>
internal static partial class SchemaModel
{
    /// <summary>Top-level helper field: the invariant lower-case values of the schema's search fields.</summary>
    public const string SearchLowerField = "search_lower";

    private static readonly ConcurrentDictionary<(Type, string), PropertyInfo?> Properties = new();
    private static readonly ConditionalWeakTable<CollectionSchema, ConcurrentDictionary<string, ResolvedField>> Resolved = new();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$")]
    private static partial Regex FieldPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex TopLevelPattern();

    /// <summary>Throws for field names that are not plain (dotted) identifiers, reserved computed names or duplicate index names.</summary>
    public static void Validate(CollectionSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentException.ThrowIfNullOrWhiteSpace(schema.Name);
        foreach (var field in schema.SearchFields)
        {
            ValidateField(field);
        }

        foreach (var name in schema.Computed.Keys)
        {
            if (!TopLevelPattern().IsMatch(name) ||
                name is DocumentFields.Id or DocumentFields.ETag or DocumentFields.State or SearchLowerField)
            {
                throw new ArgumentException($"Schema '{schema.Name}': '{name}' cannot be the name of a computed field.", nameof(schema));
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var index in schema.Indexes)
        {
            if (index.Keys.Count == 0)
            {
                throw new ArgumentException($"Schema '{schema.Name}': an index has no keys.", nameof(schema));
            }

            foreach (var key in index.Keys)
            {
                ValidateField(key.Field);
            }

            if (index.ExpireAfter is not null && (index.Keys.Count != 1 || index.Unique))
            {
                throw new ArgumentException($"Schema '{schema.Name}': a TTL index has exactly one key and is not unique.", nameof(schema));
            }

            if (!names.Add(IndexName(index)))
            {
                throw new ArgumentException($"Schema '{schema.Name}': two indexes would be named '{IndexName(index)}'.", nameof(schema));
            }
        }

        foreach (var field in schema.CountedFields)
        {
            if (!schema.Indexes.Any(i => i.Keys.Any(k => k.Field == field)) || Resolve(schema, field) is not { IsArray: false, Location: not FieldLocation.Id })
            {
                throw new ArgumentException($"Schema '{schema.Name}': counted field '{field}' must be a scalar index key.", nameof(schema));
            }
        }
    }

    /// <summary>Throws unless <paramref name="field"/> is a plain identifier path (it is written into store expressions).</summary>
    public static void ValidateField(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field != DocumentFields.Id && !FieldPattern().IsMatch(field))
        {
            throw new ArgumentException($"'{field}' is not a valid field name (letters, digits and underscores, dot-separated).", nameof(field));
        }
    }

    /// <summary>
    /// Resolves a field: <c>_id</c>; a computed field (top level); otherwise a state field. Array-ness
    /// comes from the state type's property (any IEnumerable but string and byte[]) or, for a computed
    /// field, from its value on a fresh state.
    /// </summary>
    public static ResolvedField Resolve(CollectionSchema schema, string field)
    {
        ValidateField(field);
        var cache = Resolved.GetValue(schema, _ => new ConcurrentDictionary<string, ResolvedField>(StringComparer.Ordinal));
        return cache.GetOrAdd(field, f => ResolveUncached(schema, f));
    }

    private static ResolvedField ResolveUncached(CollectionSchema schema, string field)
    {
        if (field == DocumentFields.Id)
        {
            return new ResolvedField(field, FieldLocation.Id, false);
        }

        if (schema.Computed.TryGetValue(field, out var compute))
        {
            return new ResolvedField(field, FieldLocation.Computed, IsComputedArray(schema, compute));
        }

        var type = schema.StateType;
        foreach (var segment in field.Split('.'))
        {
            var property = type is null ? null : PropertyOf(type, segment);
            type = property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }

        return new ResolvedField(field, FieldLocation.State, type is not null && IsArrayType(type));
    }

    private static bool IsComputedArray(CollectionSchema schema, Func<object, object?> compute)
    {
        try
        {
            var probe = Activator.CreateInstance(schema.StateType);
            return probe is not null && compute(probe) is IEnumerable and not string and not byte[];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    private static bool IsArrayType(Type type) =>
        type != typeof(string) && type != typeof(byte[]) && typeof(IEnumerable).IsAssignableFrom(type) && !typeof(IDictionary).IsAssignableFrom(type);

    private static PropertyInfo? PropertyOf(Type type, string snakeName) =>
        Properties.GetOrAdd((type, snakeName), key => key.Item1
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => p.GetIndexParameters().Length == 0 && SnakeCase.Convert(p.Name) == key.Item2));

    /// <summary>
    /// The top-level helper fields of a state, as normalized CLR values (see <see cref="Normalize"/>):
    /// each computed field, then <see cref="SearchLowerField"/> when the schema has search fields.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, object?>> HelperFields(CollectionSchema schema, object? state)
    {
        var fields = new List<KeyValuePair<string, object?>>();
        if (schema.Computed.Count == 0 && schema.SearchFields.Count == 0)
        {
            return fields;
        }

        if (state is not null && !schema.StateType.IsInstanceOfType(state))
        {
            throw new InvalidOperationException(
                $"Collection '{schema.Name}' has a schema for {schema.StateType.FullName}, but a {state.GetType().FullName} was written to it.");
        }

        foreach (var (name, compute) in schema.Computed)
        {
            fields.Add(new(name, state is null ? null : Normalize(compute(state))));
        }

        if (schema.SearchFields.Count > 0)
        {
            var values = new List<object?>();
            foreach (var field in schema.SearchFields)
            {
                AddSearchValues(values, ReadPath(state, field));
            }

            fields.Add(new(SearchLowerField, values));
        }

        return fields;
    }

    private static void AddSearchValues(List<object?> values, object? value)
    {
        switch (value)
        {
            case null:
                return;
            case string s:
                if (s.Length > 0)
                {
                    values.Add(s.ToLowerInvariant());
                }

                return;
            case IEnumerable items:
                foreach (var item in items)
                {
                    if (item is not null and not IEnumerable || item is string)
                    {
                        AddSearchValues(values, item);
                    }
                }

                return;
            case Enum e:
                values.Add(StoredEnums.ToName(e));
                return;
            default:
                AddSearchValues(values, Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
        }
    }

    /// <summary>Reads a snake_case (dotted) state path from a CLR state; null when a step is missing or null.</summary>
    public static object? ReadPath(object? state, string field)
    {
        var current = state;
        foreach (var segment in field.Split('.'))
        {
            if (current is null)
            {
                return null;
            }

            var property = PropertyOf(current.GetType(), segment);
            current = property?.GetValue(current);
        }

        return current;
    }

    /// <summary>
    /// A filter or helper value as stored: null, string, bool, int, long, double, decimal, Guid,
    /// DateTime (UTC, truncated to milliseconds as both stores keep it), an enum as its stored name,
    /// or a list of such values for any other IEnumerable.
    /// </summary>
    public static object? Normalize(object? value) => value switch
    {
        null => null,
        string or bool or int or long or double or decimal or Guid => value,
        byte or sbyte or short or ushort => Convert.ToInt32(value, CultureInfo.InvariantCulture),
        uint => (long)(uint)value,
        float f => (double)f,
        DateTime d => TruncateToMilliseconds(ToUtc(d)),
        DateTimeOffset o => TruncateToMilliseconds(o.UtcDateTime),
        Enum e => StoredEnums.ToName(e),
        IEnumerable items => items.Cast<object?>().Select(Normalize).ToList(),
        _ => throw new ArgumentException($"A {value.GetType().FullName} cannot be stored in a query or computed field.", nameof(value)),
    };

    private static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    private static DateTime TruncateToMilliseconds(DateTime value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);

    /// <summary>The values of an <see cref="FilterOp.In"/> filter, normalized.</summary>
    public static IReadOnlyList<object?> InValues(FieldFilter filter) =>
        filter.Value is IEnumerable items and not string
            ? items.Cast<object?>().Select(Normalize).ToList()
            : throw new ArgumentException($"The value of an In filter on '{filter.Field}' must be a list of values.", nameof(filter));

    /// <summary>The normalized scalar value of a comparison filter; ranges refuse null.</summary>
    public static object? ScalarValue(FieldFilter filter)
    {
        var value = Normalize(filter.Value);
        if (value is IEnumerable and not string)
        {
            throw new ArgumentException($"The value of a {filter.Op} filter on '{filter.Field}' must be a single value.", nameof(filter));
        }

        if (value is null && filter.Op is FilterOp.Gt or FilterOp.Gte or FilterOp.Lt or FilterOp.Lte)
        {
            throw new ArgumentException($"A {filter.Op} filter on '{filter.Field}' needs a value, not null.", nameof(filter));
        }

        return value;
    }

    /// <summary>The name of an index in both stores: its fields other than <c>_id</c>, joined by '_' (dots become '_').</summary>
    public static string IndexName(IndexSpec index)
    {
        var fields = index.Keys.Where(k => k.Field != DocumentFields.Id).Select(k => k.Field.Replace('.', '_')).ToList();
        return fields.Count == 0 ? "id" : string.Join("_", fields);
    }

    /// <summary>
    /// The key fields of a compound index as one ordered key: the spec's fields other than <c>_id</c>, then
    /// <c>_id</c> (so that every key is unique and ties fall back to the id, as in every list query). Null
    /// for a single-field spec, a unique spec, or a spec holding an array field (no one key per document).
    /// </summary>
    public static IReadOnlyList<ResolvedField>? CompoundKey(CollectionSchema schema, IndexSpec index)
    {
        var fields = index.Keys.Where(k => k.Field != DocumentFields.Id).Select(k => Resolve(schema, k.Field)).ToList();
        if (index.Unique || index.Keys.Count < 2 || fields.Count == 0 || fields.Any(f => f.IsArray))
        {
            return null;
        }

        fields.Add(Resolve(schema, DocumentFields.Id));
        return fields;
    }

    /// <summary>Throws for a sort on an array field (the stores order arrays differently).</summary>
    public static ResolvedField SortField(CollectionSchema schema, string field)
    {
        var resolved = Resolve(schema, field);
        if (resolved.IsArray)
        {
            throw new ArgumentException($"Cannot sort by '{field}': it holds an array.", nameof(field));
        }

        return resolved;
    }

    /// <summary>Validates a query's paging (<see cref="QueryRules.ValidatePaging"/>) and filters.</summary>
    public static void ValidateQuery(DocumentQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueryRules.ValidatePaging(query.Limit, query.Offset);
        ArgumentNullException.ThrowIfNull(query.Filters);
        ArgumentException.ThrowIfNullOrWhiteSpace(query.SortField);
        if (query.After is not null && query.Offset != 0)
        {
            throw new ArgumentException("Keyset paging (After) starts at offset 0.", nameof(query));
        }
    }
}
