using System.Collections.Frozen;
using CrmChatbot.Leads;
using CrmChatbot.Users;

namespace CrmChatbot.Storage;

/// <summary>
/// Every enum type that appears in a persisted state. Stores write their values as snake_case
/// strings (<c>LeadStatus.New</c> -> <c>"new"</c>, <c>InProgress</c> -> <c>"in_progress"</c>). Every enum
/// declared in a CrmChatbot namespace qualifies; any other enum is refused, so a foreign enum cannot
/// silently be stored another way.
/// </summary>
public static class StoredEnums
{
    /// <summary>Enums known up front (others from CrmChatbot namespaces are mapped on first use).</summary>
    public static IReadOnlyList<Type> Types { get; } =
    [
        typeof(LeadStatus),
        typeof(LeadSource),
        typeof(UserRole),
        typeof(CrmChatbot.Common.ActorKind),
    ];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, EnumNames> Maps =
        new(Types.Select(type => KeyValuePair.Create(type, new EnumNames(type))));

    public static bool IsRegistered(Type enumType) =>
        enumType.IsEnum && (Maps.ContainsKey(enumType) || enumType.Namespace?.StartsWith("CrmChatbot", StringComparison.Ordinal) == true);

    /// <summary>The stored name of a value, e.g. <c>"in_progress"</c>.</summary>
    public static string ToName(Enum value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return MapOf(value.GetType()).ToName(value);
    }

    public static string ToName<TEnum>(TEnum value)
        where TEnum : struct, Enum => ToName((Enum)value);

    /// <summary>Parses a stored name; throws <see cref="FormatException"/> for an unknown one.</summary>
    public static object Parse(Type enumType, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return MapOf(enumType).Parse(name);
    }

    public static TEnum Parse<TEnum>(string name)
        where TEnum : struct, Enum => (TEnum)Parse(typeof(TEnum), name);

    private static EnumNames MapOf(Type enumType) =>
        Maps.TryGetValue(enumType, out var map)
            ? map
            : IsRegistered(enumType)
                ? Maps.GetOrAdd(enumType, type => new EnumNames(type))
                : throw new InvalidOperationException(
                    $"Enum type {enumType.FullName} is not a CrmChatbot enum; only those are stored (as snake_case strings).");

    private sealed class EnumNames
    {
        private readonly Type _type;
        private readonly FrozenDictionary<Enum, string> _toName;
        private readonly FrozenDictionary<string, object> _fromName;

        public EnumNames(Type type)
        {
            _type = type;
            var values = Enum.GetValues(type).Cast<Enum>().Distinct().ToList();
            _toName = values.ToFrozenDictionary(v => v, v => SnakeCase.Convert(Enum.GetName(type, v)!));
            _fromName = values.ToFrozenDictionary(v => _toName[v], v => (object)v, StringComparer.Ordinal);
        }

        public string ToName(Enum value) =>
            _toName.TryGetValue(value, out var name)
                ? name
                : throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a defined {_type.Name} value.");

        public object Parse(string name) =>
            _fromName.TryGetValue(name, out var value)
                ? value
                : throw new FormatException($"'{name}' is not a stored {_type.Name} value (expected one of: {string.Join(", ", _fromName.Keys)}).");
    }
}
