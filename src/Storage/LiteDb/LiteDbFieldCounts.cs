using System.Collections.Concurrent;
using CrmChatbot.Storage.Queries;
using LiteDB;

namespace CrmChatbot.Storage.LiteDb;

/// <summary>
/// Exact list totals without reading documents: per collection, the values of the fields its compound
/// indexes filter on for equality (leads: status, source, owner_id, campaign_id), in memory. Each distinct
/// combination of values is interned once and counted; each document id maps to its combination (measured:
/// ~140 bytes per lead with a 36-character id, whatever the number of fields; mostly the id string). A total for filters on those fields
/// is then a sum over the combinations that match (well under a millisecond for 100,000 leads) instead
/// of a count that reads every matching document (~100 ms for 17,000 leads) after every write.
/// <para>
/// Built on a collection's first count by one scan, then kept current by the writes grain storage reports
/// (see <see cref="LiteDbCollectionView{TRow}"/>): a total read while a write commits is the one before or
/// after that write, never anything else, and never drifts.
/// </para>
/// </summary>
public sealed class LiteDbFieldCounts
{
    private readonly ConcurrentDictionary<string, FieldCounts> _collections = new(StringComparer.Ordinal);

    /// <summary>Runs between a build's scan and its merge (tests write there to race the build).</summary>
    internal Action<string>? AfterScanForTests { get; set; }

    /// <summary>
    /// The fields counted for a schema: the leading fields of its compound indexes, the ones a list
    /// filters on for equality before the sort field (plain fields, never <c>_id</c> or an array).
    /// </summary>
    internal static IReadOnlyList<ResolvedField> CountedFields(CollectionSchema schema) =>
        [.. LiteDbDocuments.CompoundIndexes(schema)
            .SelectMany(index => index.Keys.Take(index.Keys.Count - 2))
            .Where(f => f.Location != FieldLocation.Id && !f.IsArray)
            .DistinctBy(f => f.Field, StringComparer.Ordinal)];

    /// <summary>
    /// The number of documents matching every condition (each on a counted field), among
    /// <paramref name="ids"/> when given (the matches of a text search). Null when a condition is on
    /// another field or the schema counts no field: count the documents instead.
    /// </summary>
    internal long? Count(LiteDbStore store, CollectionSchema schema, IReadOnlyList<Condition> conditions, IReadOnlyCollection<string>? ids)
    {
        var fields = CountedFields(schema);
        if (fields.Count == 0 || conditions.Any(c => c.Field is null || !fields.Any(f => f.Field == c.Field.Field)))
        {
            return null;
        }

        var counts = _collections.GetOrAdd(schema.Name, _ => new FieldCounts(fields));
        counts.EnsureBuilt(store, schema.Name, AfterScanForTests);
        return counts.Count(conditions, ids, store.Database.Collation);
    }

    /// <summary>Records a written document (after the write committed). No-op until the collection was counted.</summary>
    public void Set(string collection, BsonDocument document)
    {
        if (_collections.TryGetValue(collection, out var counts))
        {
            counts.Set(document[DocumentFields.Id].AsString, document);
        }
    }

    /// <summary>Records a removed document (after the delete committed).</summary>
    public void Remove(string collection, string id)
    {
        if (_collections.TryGetValue(collection, out var counts))
        {
            counts.Set(id, null);
        }
    }

    /// <summary>Drops a collection's counts; the next count rescans (after writes that bypassed <see cref="Set"/>).</summary>
    public void Forget(string collection) => _collections.TryRemove(collection, out _);

    public void ForgetAll() => _collections.Clear();

    private sealed class FieldCounts(IReadOnlyList<ResolvedField> fields) : LiteDbCollectionView<BsonValue[]>
    {
        private readonly BsonExpression[] _paths = [.. fields.Select(f => BsonExpression.Create(LiteDbDocuments.Path(f)))];
        private readonly ValueTable[] _values = [.. fields.Select(f => new ValueTable(f))];
        private readonly Dictionary<int[], int> _comboCodes = new(CodesComparer.Instance);
        private readonly List<int[]> _combos = [];
        private readonly List<long> _comboCounts = [];
        private readonly Dictionary<string, int> _rows = new(StringComparer.Ordinal);

        /// <summary>Records the counted values of a written document (null: removed).</summary>
        public void Set(string id, BsonDocument? document) =>
            Report(id, document is null ? null : [.. _paths.Select(p => p.ExecuteScalar(document))]);

        protected override IEnumerable<(string Id, BsonValue[] Row)> Scan(LiteDbStore store, string collection)
        {
            var select = "{ _id: $._id" + string.Concat(_paths.Select((p, i) => $", v{i}: {p.Source}")) + " }";
            foreach (var doc in LiteDbDocuments.Scan(store.GetCollection(collection), select))
            {
                yield return (doc[DocumentFields.Id].AsString, [.. _paths.Select((_, i) => doc[$"v{i}"])]);
            }
        }

        /// <summary>Moves a document to the combination of its values, or out (under the gate).</summary>
        protected override void Apply(string id, BsonValue[]? row)
        {
            if (_rows.TryGetValue(id, out var old))
            {
                _comboCounts[old]--;
            }

            if (row is null)
            {
                _rows.Remove(id);
                return;
            }

            var combo = Combo(row);
            _rows[id] = combo;
            _comboCounts[combo]++;
        }

        public long Count(IReadOnlyList<Condition> conditions, IReadOnlyCollection<string>? ids, Collation collation)
        {
            lock (Gate)
            {
                // Per counted field: which of its distinct values every condition on it accepts (null = any).
                var accepted = new bool[]?[fields.Count];
                foreach (var condition in conditions)
                {
                    var f = IndexOf(condition.Field!.Field);
                    var matches = _values[f].Matching(condition, collation);
                    accepted[f] = accepted[f] is { } earlier ? [.. earlier.Zip(matches, (a, b) => a && b)] : matches;
                }

                bool Accepts(int combo)
                {
                    var codes = _combos[combo];
                    for (var f = 0; f < codes.Length; f++)
                    {
                        if (accepted[f] is { } values && !values[codes[f]])
                        {
                            return false;
                        }
                    }

                    return true;
                }

                long total = 0;
                if (ids is null)
                {
                    for (var combo = 0; combo < _combos.Count; combo++)
                    {
                        if (_comboCounts[combo] > 0 && Accepts(combo))
                        {
                            total += _comboCounts[combo];
                        }
                    }
                }
                else
                {
                    foreach (var id in ids)
                    {
                        if (_rows.TryGetValue(id, out var combo) && Accepts(combo))
                        {
                            total++;
                        }
                    }
                }

                return total;
            }
        }

        private int IndexOf(string field)
        {
            for (var i = 0; i < fields.Count; i++)
            {
                if (fields[i].Field == field)
                {
                    return i;
                }
            }

            throw new ArgumentException($"'{field}' is not a counted field.", nameof(field));
        }

        /// <summary>The interned combination of one document's values (under the gate).</summary>
        private int Combo(BsonValue[] values)
        {
            var codes = new int[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                codes[i] = _values[i].Code(values[i]);
            }

            if (!_comboCodes.TryGetValue(codes, out var combo))
            {
                combo = _combos.Count;
                _combos.Add(codes);
                _comboCounts.Add(0);
                _comboCodes.Add(codes, combo);
            }

            return combo;
        }
    }

    /// <summary>The distinct values of one counted field, each with a code; a value string is held once.</summary>
    private sealed class ValueTable(ResolvedField field)
    {
        private readonly Dictionary<(BsonType, object?), int> _codes = [];
        private readonly List<BsonValue> _values = [];

        public int Code(BsonValue value)
        {
            var key = Key(value);
            if (!_codes.TryGetValue(key, out var code))
            {
                code = _values.Count;
                _values.Add(value);
                _codes.Add(key, code);
            }

            return code;
        }

        /// <summary>Which values the condition accepts, decided by LiteDB itself on a document holding only that value.</summary>
        public bool[] Matching(Condition condition, Collation collation)
        {
            var accepted = new bool[_values.Count];
            if (condition.Filter?.Op is FilterOp.Eq or FilterOp.Ne or FilterOp.In && AllStringsOrNull(condition.Args[0]))
            {
                // A string (or null) equals only the same string (or null) under the binary collation: look it up.
                var listed = condition.Args[0].IsArray ? condition.Args[0].AsArray : [condition.Args[0]];
                foreach (var value in listed)
                {
                    if (_codes.TryGetValue(Key(value), out var code))
                    {
                        accepted[code] = true;
                    }
                }

                if (condition.Filter.Op == FilterOp.Ne)
                {
                    for (var i = 0; i < accepted.Length; i++)
                    {
                        accepted[i] = !accepted[i];
                    }
                }

                return accepted;
            }

            var expression = condition.ToExpression();
            for (var i = 0; i < accepted.Length; i++)
            {
                accepted[i] = expression.ExecuteScalar(DocumentHolding(_values[i]), collation) is { IsBoolean: true, AsBoolean: true };
            }

            return accepted;
        }

        private static bool AllStringsOrNull(BsonValue value) =>
            value.IsArray ? value.AsArray.All(v => v.IsString || v.IsNull) : value.IsString || value.IsNull;

        private static (BsonType, object?) Key(BsonValue value) =>
            value.IsDocument || value.IsArray ? (value.Type, JsonSerializer.Serialize(value)) : (value.Type, value.RawValue);

        /// <summary>A document with <paramref name="value"/> at the field's path and nothing else.</summary>
        private BsonDocument DocumentHolding(BsonValue value)
        {
            var segments = field.Path.Split('.');
            BsonValue current = value;
            for (var i = segments.Length - 1; i >= 0; i--)
            {
                current = new BsonDocument { [segments[i]] = current };
            }

            return current.AsDocument;
        }
    }

    private sealed class CodesComparer : IEqualityComparer<int[]>
    {
        public static readonly CodesComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] obj)
        {
            var hash = default(HashCode);
            foreach (var code in obj)
            {
                hash.Add(code);
            }

            return hash.ToHashCode();
        }
    }
}
