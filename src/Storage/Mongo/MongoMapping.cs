using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Conventions;
using MongoDB.Bson.Serialization.Serializers;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// BSON mapping of CRM states, with no per-type code: every class in a <c>CrmChatbot.*</c> namespace
/// is auto-mapped (public read/write properties) with snake_case element names, registered enums as
/// snake_case strings (<see cref="StoredEnums"/>), DateTime as BSON UTC dates (an Unspecified kind is
/// taken as UTC), decimal as Decimal128, Guid in the standard representation, nulls written explicitly,
/// no member taken as the document id, and unknown elements ignored on read.
/// </summary>
public static class MongoMapping
{
    /// <summary>The namespace prefix whose classes get the CRM conventions.</summary>
    public const string NamespacePrefix = "CrmChatbot.";

    private static readonly Lock Gate = new();
    private static bool _registered;

    /// <summary>Registers the conventions and enum serializers once per process. Must run before the first (de)serialization of a state.</summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (_registered)
            {
                return;
            }

            ConventionRegistry.Register(
                "CrmChatbot states",
                new ConventionPack { new CrmStateConvention() },
                type => type.FullName?.StartsWith(NamespacePrefix, StringComparison.Ordinal) == true);
            BsonSerializer.RegisterSerializationProvider(new StoredEnumSerializationProvider());
            _registered = true;
        }
    }

    /// <summary>The state as a native sub-document (BsonNull for a null state).</summary>
    public static BsonValue ToBson<T>(T state)
    {
        EnsureRegistered();
        if (state is null)
        {
            return BsonNull.Value;
        }

        var doc = new BsonDocument();
        using (var writer = new BsonDocumentWriter(doc))
        {
            BsonSerializer.Serialize(writer, typeof(T), state);
        }

        return doc;
    }

    /// <summary>An immutable record (timeline entry, ticket comment) as a top-level document: its id as <c>_id</c>.</summary>
    public static BsonDocument ToDocument<T>(T record, string id)
    {
        var document = ToBson(record).AsBsonDocument;
        document.Remove("id");
        document.InsertAt(0, new BsonElement("_id", id));
        return document;
    }

    /// <summary>Reads a state sub-document; a null or missing one gives a fresh state.</summary>
    public static T FromBson<T>(BsonValue? value)
    {
        EnsureRegistered();
        return value is null || value.IsBsonNull
            ? Activator.CreateInstance<T>()
            : BsonSerializer.Deserialize<T>(value.AsBsonDocument);
    }

    /// <summary>DateTime as stored: UTC; an Unspecified kind is taken as UTC.</summary>
    public static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    private sealed class CrmStateConvention : ConventionBase, IClassMapConvention, IMemberMapConvention, IPostProcessingConvention
    {
        public void Apply(BsonClassMap classMap) => classMap.SetIgnoreExtraElements(true);

        public void Apply(BsonMemberMap memberMap)
        {
            memberMap.SetElementName(SnakeCase.Convert(memberMap.MemberName));
            memberMap.SetIgnoreIfNull(false);
            memberMap.SetIgnoreIfDefault(false);

            var type = memberMap.MemberType;
            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            if (underlying.IsEnum && !StoredEnums.IsRegistered(underlying))
            {
                throw new InvalidOperationException(
                    $"Member {memberMap.ClassMap.ClassType.Name}.{memberMap.MemberName} has enum type {underlying.FullName}, which is not " +
                    $"registered in {nameof(StoredEnums)}.{nameof(StoredEnums.Types)}.");
            }

            IBsonSerializer? serializer = underlying switch
            {
                _ when underlying == typeof(DateTime) => UtcDateTimeSerializer.Instance,
                _ when underlying == typeof(decimal) => new DecimalSerializer(BsonType.Decimal128),
                _ when underlying == typeof(Guid) => new GuidSerializer(GuidRepresentation.Standard),
                _ => null,
            };
            if (serializer is not null)
            {
                memberMap.SetSerializer(type == underlying
                    ? serializer
                    : (IBsonSerializer)Activator.CreateInstance(typeof(NullableSerializer<>).MakeGenericType(underlying), serializer)!);
            }
        }

        // Runs after the default NamedIdMemberConvention: a state property named "Id" is a plain
        // field ("id"); the document id is the grain key, outside the state.
        public void PostProcess(BsonClassMap classMap)
        {
            if (classMap.IdMemberMap is { } idMember)
            {
                classMap.SetIdMember(null);
                idMember.SetElementName(SnakeCase.Convert(idMember.MemberName));
            }
        }
    }

    private sealed class UtcDateTimeSerializer : StructSerializerBase<DateTime>
    {
        public static readonly UtcDateTimeSerializer Instance = new();

        public override DateTime Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
        {
            var reader = context.Reader;
            var type = reader.GetCurrentBsonType();
            return type == BsonType.DateTime
                ? BsonUtils.ToDateTimeFromMillisecondsSinceEpoch(reader.ReadDateTime())
                : throw new FormatException($"A DateTime must be stored as a BSON date, found {type}.");
        }

        public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, DateTime value) =>
            context.Writer.WriteDateTime(BsonUtils.ToMillisecondsSinceEpoch(ToUtc(value)));
    }

    private sealed class StoredEnumSerializationProvider : IBsonSerializationProvider
    {
        public IBsonSerializer? GetSerializer(Type type) =>
            type.IsEnum && StoredEnums.IsRegistered(type)
                ? (IBsonSerializer)Activator.CreateInstance(typeof(StoredEnumSerializer<>).MakeGenericType(type))!
                : null;
    }

    private sealed class StoredEnumSerializer<TEnum> : StructSerializerBase<TEnum>
        where TEnum : struct, Enum
    {
        public override TEnum Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
        {
            var reader = context.Reader;
            var type = reader.GetCurrentBsonType();
            return type == BsonType.String
                ? StoredEnums.Parse<TEnum>(reader.ReadString())
                : throw new FormatException($"A {typeof(TEnum).Name} must be stored as a string, found {type}.");
        }

        public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, TEnum value) =>
            context.Writer.WriteString(StoredEnums.ToName(value));
    }
}
