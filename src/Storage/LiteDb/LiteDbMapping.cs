using System.Reflection;
using LiteDB;

namespace CrmChatbot.Storage.LiteDb;

/// <summary>
/// The <see cref="BsonMapper"/> for CRM states: snake_case field names, registered enums as
/// snake_case strings, DateTime as UTC, strings kept verbatim, nulls written explicitly.
/// </summary>
public static class LiteDbMapping
{
    public static BsonMapper CreateMapper()
    {
        var mapper = new CrmBsonMapper
        {
            ResolveFieldName = SnakeCase.Convert,
            // LiteDB's defaults trim strings and turn "" into null: both would alter stored values.
            TrimWhitespace = false,
            EmptyStringToNull = false,
            // Write nulls explicitly: an omitted field would read back as the class default, which
            // may differ from null. The whole state sub-document is replaced on every write anyway.
            SerializeNullValues = true,
            EnumAsInteger = false,
            IncludeFields = false,
            IncludeNonPublic = false,
        };

        // LiteDB's serializer handles Enum and DateTime before it looks at registered types, so the
        // conversions are attached to each member instead (RegisterType alone would only affect reads).
        mapper.ResolveMember = (_, _, member) => ConfigureMember(member);

        foreach (var enumType in StoredEnums.Types)
        {
            mapper.RegisterType(enumType, value => new BsonValue(StoredEnums.ToName((Enum)value)), value => ParseEnum(enumType, value));
        }

        Prebuild(mapper);
        return mapper;
    }

    /// <summary>
    /// LiteDB 5.0.21 publishes a type's entity mapper in its cache before filling in its members, and
    /// reads that cache without a lock: a thread serializing a type another thread is mapping for the
    /// first time can write a document with fields missing. So every CRM class that can be stored is
    /// mapped here, on one thread, before the mapper is shared.
    /// </summary>
    private static void Prebuild(BsonMapper mapper)
    {
        var build = typeof(BsonMapper).GetMethod("GetEntityMapper", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("LiteDB's BsonMapper.GetEntityMapper is gone: review LiteDbMapping.Prebuild for this LiteDB version.");
        foreach (var type in StorableTypes.Value)
        {
            build.Invoke(mapper, [type]);
        }
    }

    /// <summary>The public classes of the grain contracts, and every CRM class their properties reach.</summary>
    private static readonly Lazy<IReadOnlyList<Type>> StorableTypes = new(() =>
    {
        var found = new HashSet<Type>();
        var pending = new Stack<Type>(typeof(CrmChatbot.Common.TimelineEntry).Assembly.GetExportedTypes().Where(IsCrmClass));
        while (pending.TryPop(out var type))
        {
            if (!found.Add(type))
            {
                continue;
            }

            foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public))
            {
                foreach (var reached in Unwrap(property.PropertyType).Where(IsCrmClass))
                {
                    pending.Push(reached);
                }
            }
        }

        return [.. found];
    });

    private static bool IsCrmClass(Type type) =>
        type is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false }
        && type.Namespace?.StartsWith("CrmChatbot", StringComparison.Ordinal) == true
        && !typeof(Delegate).IsAssignableFrom(type)
        && !typeof(Exception).IsAssignableFrom(type);

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.IsArray)
        {
            return Unwrap(type.GetElementType()!);
        }

        return type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Append(type) : [type];
    }

    /// <summary>DateTime as stored: UTC; an Unspecified kind is taken as UTC (LiteDB would take it as local).</summary>
    public static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    private static void ConfigureMember(MemberMapper member)
    {
        var type = Nullable.GetUnderlyingType(member.DataType) ?? member.DataType;
        if (type.IsEnum)
        {
            if (!StoredEnums.IsRegistered(type))
            {
                throw new InvalidOperationException(
                    $"Member {member.MemberName} has enum type {type.FullName}, which is not registered in " +
                    $"{nameof(StoredEnums)}.{nameof(StoredEnums.Types)}.");
            }

            member.Serialize = (value, _) => value is null ? BsonValue.Null : new BsonValue(StoredEnums.ToName((Enum)value));
            member.Deserialize = (value, _) => value.IsNull ? null : ParseEnum(type, value);
        }
        else if (type == typeof(DateTime))
        {
            member.Serialize = (value, _) => value is null ? BsonValue.Null : new BsonValue(ToUtc((DateTime)value));
            member.Deserialize = (value, _) => value.IsNull ? null : ToUtc(value.AsDateTime);
        }
    }

    private static object ParseEnum(Type enumType, BsonValue value) =>
        value.IsString
            ? StoredEnums.Parse(enumType, value.AsString)
            : throw new FormatException($"A {enumType.Name} must be stored as a string, found {value.Type}.");

    /// <summary>
    /// LiteDB maps a property named <c>Id</c> or <c>&lt;Type&gt;Id</c> to <c>_id</c>. States live in a
    /// sub-document whose id is the grain key, so no state member is ever the document id.
    /// </summary>
    private sealed class CrmBsonMapper : BsonMapper
    {
        protected override MemberInfo? GetIdMember(IEnumerable<MemberInfo> members) => null;
    }
}
