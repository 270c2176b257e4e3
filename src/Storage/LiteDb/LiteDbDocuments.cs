using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using CrmChatbot.Storage.Queries;
using LiteDB;

namespace CrmChatbot.Storage.LiteDb;

/// <summary>LiteDB paths, values, helper fields and indexes derived from <see cref="CollectionSchema"/>s.</summary>
internal static class LiteDbDocuments
{
    /// <summary>LiteDB refuses index names longer than this.</summary>
    private const int MaxIndexNameLength = 32;

    private static readonly ConditionalWeakTable<CollectionSchema, IReadOnlyList<CompoundIndex>> Compounds = new();

    /// <summary>The expression path of a resolved field, e.g. <c>$.state.owner_id</c>, <c>$.name_lower</c>.</summary>
    public static string Path(ResolvedField field) => $"$.{field.Path}";

    /// <summary>A normalized value (<see cref="SchemaModel.Normalize"/>) as a LiteDB value.</summary>
    public static BsonValue ToBson(object? value) => value switch
    {
        null => BsonValue.Null,
        string s => new BsonValue(s),
        bool b => new BsonValue(b),
        int i => new BsonValue(i),
        long l => new BsonValue(l),
        double d => new BsonValue(d),
        decimal m => new BsonValue(m),
        Guid g => new BsonValue(g),
        DateTime t => new BsonValue(t),
        IEnumerable<object?> items => new BsonArray(items.Select(ToBson)),
        _ => throw new ArgumentException($"A {value.GetType().FullName} is not a normalized value.", nameof(value)),
    };

    /// <summary>The helper fields of a state as LiteDB values.</summary>
    public static IReadOnlyList<KeyValuePair<string, BsonValue>> HelperFields(CollectionSchema schema, object? state) =>
        SchemaModel.HelperFields(schema, state).Select(x => new KeyValuePair<string, BsonValue>(x.Key, ToBson(x.Value))).ToList();

    /// <summary>
    /// The compound indexes of a schema as LiteDB builds them: one array expression per compound spec,
    /// <c>[$.state.status,$.state.created_at,$._id]</c>. Arrays compare element by element, so the index
    /// is ordered by the filter fields, then the sort field, then the id: a query with equality filters
    /// on the leading fields reads one range of it in either direction and stops at the page's end.
    /// </summary>
    public static IReadOnlyList<CompoundIndex> CompoundIndexes(CollectionSchema schema) =>
        Compounds.GetValue(schema, s => s.Indexes
            .Select(spec => (Spec: spec, Key: SchemaModel.CompoundKey(s, spec)))
            .Where(x => x.Key is not null)
            .Select(x => new CompoundIndex(
                CompoundIndexName(SchemaModel.IndexName(x.Spec) + "_id"),
                BsonExpression.Create("[" + string.Join(",", x.Key!.Select(Path)) + "]").Source,
                x.Key!))
            .DistinctBy(x => x.Expression, StringComparer.Ordinal)
            .ToList());

    private static string CompoundIndexName(string name)
    {
        if (name.Length <= MaxIndexNameLength)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        return $"{name[..(MaxIndexNameLength - hash.Length - 1)]}_{hash}";
    }

    /// <summary>
    /// Creates the indexes of a schema: each spec's first key as a single-field index (an array field as a
    /// multikey <c>path[*]</c>; specs sharing a first key share it), used for filters and counts, and each
    /// compound spec of plain fields as a compound index (<see cref="CompoundIndexes"/>), used for filtered,
    /// sorted pages. LiteDB's planner uses one index per query, which is why the compound index is one
    /// expression. Indexes are built from the stored documents, so files written before an index existed
    /// are indexed at the next start. An index of the same name with another expression (e.g. the former
    /// <c>LOWER($.state.name)</c>) is dropped and recreated. Idempotent.
    /// </summary>
    public static void EnsureIndexes(LiteDatabase db, CollectionSchema schema)
    {
        var wanted = new Dictionary<string, (string Name, bool Unique)>(StringComparer.Ordinal);
        foreach (var spec in schema.Indexes)
        {
            var first = SchemaModel.Resolve(schema, spec.Keys[0].Field);
            if (first.Location == FieldLocation.Id)
            {
                continue; // _id is always indexed.
            }

            var significant = spec.Keys.Count(k => k.Field != DocumentFields.Id);
            if (spec.Unique && significant > 1)
            {
                throw new NotSupportedException(
                    $"Schema '{schema.Name}': LiteDB cannot enforce the compound unique index '{SchemaModel.IndexName(spec)}'.");
            }

            var expression = first.IsArray ? $"{Path(first)}[*]" : Path(first);
            var name = first.Field.Replace('.', '_');
            wanted[expression] = wanted.TryGetValue(expression, out var existing)
                ? (existing.Name, existing.Unique || (spec.Unique && significant == 1))
                : (name, spec.Unique && significant == 1);
        }

        foreach (var compound in CompoundIndexes(schema))
        {
            wanted.TryAdd(compound.Expression, (compound.Name, false));
        }

        if (wanted.Count == 0)
        {
            return;
        }

        var current = db.GetCollection("$indexes").Find(BsonExpression.Create("collection = @0", schema.Name))
            .ToDictionary(x => x["name"].AsString, x => (Expression: x["expression"].AsString, Unique: x["unique"].AsBoolean), StringComparer.Ordinal);
        var collection = db.GetCollection(schema.Name);
        foreach (var (expression, (name, unique)) in wanted)
        {
            var normalized = BsonExpression.Create(expression);
            if (current.TryGetValue(name, out var index) && (index.Expression != normalized.Source || index.Unique != unique))
            {
                collection.DropIndex(name);
            }

            collection.EnsureIndex(name, normalized, unique);
        }
    }

    /// <summary>Documents per query of <see cref="Scan"/>.</summary>
    internal const int ScanChunk = 1000;

    /// <summary>
    /// Every document of a collection in id order (projected by <paramref name="select"/>, which must keep
    /// <c>_id</c>), read by one query per <paramref name="chunkSize"/> documents. Why not one query: LiteDB
    /// holds every page a query read in its cache until the query ends, and never gives cache memory back;
    /// one query over 100,000 leads left ~130 MB of cache behind for good. Not a snapshot: a document
    /// written during the scan is read as it is when its chunk is read (the in-memory views reconcile that).
    /// </summary>
    public static IEnumerable<BsonDocument> Scan(ILiteCollection<BsonDocument> collection, string? select = null, int chunkSize = ScanChunk)
    {
        var after = BsonValue.MinValue;
        while (true)
        {
            var query = collection.Query().Where(BsonExpression.Create($"{DocumentFields.Id} > @0", after)).OrderBy(BsonExpression.Create($"$.{DocumentFields.Id}"));
            var chunk = select is null ? query.Limit(chunkSize).ToList() : query.Select(select).Limit(chunkSize).ToList();
            foreach (var doc in chunk)
            {
                yield return doc;
            }

            if (chunk.Count < chunkSize)
            {
                yield break;
            }

            after = chunk[^1][DocumentFields.Id];
        }
    }

    /// <summary>
    /// Writes the helper fields into documents written before their schema declared them (e.g. files
    /// from before <c>search_lower</c> existed in LiteDB), so that queries see every document. A
    /// document written concurrently (etag changed) already has them and is left alone.
    /// </summary>
    public static int Backfill(LiteDatabase db, BsonMapper mapper, CollectionSchema schema)
    {
        var names = SchemaModel.HelperFields(schema, null).Select(x => x.Key).ToList();
        if (names.Count == 0)
        {
            return 0;
        }

        var collection = db.GetCollection(schema.Name);
        var candidates = Scan(collection).Where(doc => names.Any(n => !doc.ContainsKey(n))).ToList();
        var updated = 0;
        foreach (var doc in candidates)
        {
            var stateValue = doc[DocumentFields.State];
            var state = stateValue.IsNull ? null : mapper.Deserialize(schema.StateType, stateValue);
            var helpers = HelperFields(schema, state);
            var transform = BsonExpression.Create(
                "{ " + string.Join(", ", helpers.Select((h, i) => $"{h.Key}: @{i}")) + " }",
                helpers.Select(h => h.Value).ToArray());
            updated += collection.UpdateMany(transform, BsonExpression.Create($"{DocumentFields.Id} = @0 AND {DocumentFields.ETag} = @1", doc[DocumentFields.Id], doc[DocumentFields.ETag]));
        }

        return updated;
    }
}

/// <summary>A compound index in LiteDB: its name, its array expression (normalized source) and its key fields, the id last.</summary>
internal sealed record CompoundIndex(string Name, string Expression, IReadOnlyList<ResolvedField> Keys);
