using CrmChatbot.Storage.Queries;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrmChatbot.Storage.Mongo;

/// <summary>MongoDB values, helper fields and indexes derived from <see cref="CollectionSchema"/>s.</summary>
internal static class MongoDocuments
{
    /// <summary>A normalized value (<see cref="SchemaModel.Normalize"/>) as a BSON value, typed as the state mapping stores it.</summary>
    public static BsonValue ToBson(object? value) => value switch
    {
        null => BsonNull.Value,
        string s => new BsonString(s),
        bool b => b ? BsonBoolean.True : BsonBoolean.False,
        int i => new BsonInt32(i),
        long l => new BsonInt64(l),
        double d => new BsonDouble(d),
        decimal m => new BsonDecimal128(m),
        Guid g => new BsonBinaryData(g, GuidRepresentation.Standard),
        DateTime t => new BsonDateTime(t),
        IEnumerable<object?> items => new BsonArray(items.Select(ToBson)),
        _ => throw new ArgumentException($"A {value.GetType().FullName} is not a normalized value.", nameof(value)),
    };

    /// <summary>The helper fields of a state as BSON elements.</summary>
    public static IEnumerable<BsonElement> HelperFields(CollectionSchema schema, object? state) =>
        SchemaModel.HelperFields(schema, state).Select(x => new BsonElement(x.Key, ToBson(x.Value)));

    /// <summary>The index models of a schema: compound keys in order, named by <see cref="SchemaModel.IndexName"/>.</summary>
    public static IReadOnlyList<CreateIndexModel<BsonDocument>> Indexes(CollectionSchema schema)
    {
        var keys = Builders<BsonDocument>.IndexKeys;
        return schema.Indexes
            .Select(spec => new CreateIndexModel<BsonDocument>(
                keys.Combine(spec.Keys.Select(k =>
                {
                    var path = SchemaModel.Resolve(schema, k.Field).Path;
                    return k.Descending ? keys.Descending(path) : keys.Ascending(path);
                })),
                new CreateIndexOptions { Name = SchemaModel.IndexName(spec), Unique = spec.Unique ? true : null, ExpireAfter = spec.ExpireAfter }))
            .ToList();
    }
}
