using System.Collections.Concurrent;

namespace CrmChatbot.Storage.Queries;

/// <summary>An index: fields in order, each ascending or descending.</summary>
public sealed record IndexSpec(IReadOnlyList<IndexKey> Keys, bool Unique = false)
{
    public static IndexSpec On(params IndexKey[] keys) => new(keys);

    /// <summary>
    /// A TTL index (one date field): MongoDB deletes a document this long after the date it holds. SQLite has no
    /// TTL; its owner purges such rows itself (see the idempotency purge).
    /// </summary>
    public TimeSpan? ExpireAfter { get; init; }
}

/// <summary>A state field or computed field of an index, and its direction.</summary>
public readonly record struct IndexKey(string Field, bool Descending = false)
{
    public static implicit operator IndexKey(string field) => new(field);
}

/// <summary>
/// What the stores need to know about one collection beyond the state itself: the fields a text
/// search covers, computed top-level fields written beside the state at every write (sort and
/// filter helpers, such as a lower-cased name or the ids of a meeting's participants), and the
/// indexes created at start-up. One schema serves both stores.
/// </summary>
public sealed record CollectionSchema(string Name, Type StateType)
{
    /// <summary>State fields (snake_case) searched by <see cref="DocumentQuery.Text"/>, lower-cased.</summary>
    public IReadOnlyList<string> SearchFields { get; init; } = [];

    /// <summary>
    /// Computed fields, stored at the document's top level and addressable by name in filters,
    /// sorts and indexes. A function returns a plain value or an IEnumerable of plain values.
    /// </summary>
    public IReadOnlyDictionary<string, Func<object, object?>> Computed { get; init; } =
        new Dictionary<string, Func<object, object?>>();

    public IReadOnlyList<IndexSpec> Indexes { get; init; } = [];

    /// <summary>
    /// Scalar fields with few distinct values (a status, an owner) whose number of documents per value the store
    /// keeps exact in the write's own transaction, so that the total of an unfiltered list, or of a list filtered by
    /// equality on one of them, is one lookup rather than a count over an index. Each must also be an index key.
    /// </summary>
    public IReadOnlyList<string> CountedFields { get; init; } = [];
}

/// <summary>The schemas of every collection, registered once per process.</summary>
public static class CollectionSchemas
{
    private static readonly ConcurrentDictionary<string, CollectionSchema> Schemas = new(StringComparer.Ordinal);

    /// <summary>Validates (field and index names) and registers a schema, replacing any earlier one of the same name.</summary>
    public static void Register(CollectionSchema schema)
    {
        SchemaModel.Validate(schema);
        Schemas[schema.Name] = schema;
    }

    /// <summary>The schema of a collection, or an empty one (no search, no computed fields, no indexes).</summary>
    public static CollectionSchema For(string collection, Type stateType) =>
        Schemas.TryGetValue(collection, out var schema) ? schema : new CollectionSchema(collection, stateType);

    /// <summary>The registered schema of a collection, or null.</summary>
    public static CollectionSchema? Registered(string collection) => Schemas.TryGetValue(collection, out var schema) ? schema : null;

    public static IReadOnlyCollection<CollectionSchema> All => [.. Schemas.Values];
}
