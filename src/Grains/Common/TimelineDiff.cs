using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrmChatbot.Common;

/// <summary>
/// Which fields differ between two versions of a state, with before/after values as compact JSON
/// (snake_case names and enum values, as the API shows them). Generic, so every entity kind gets
/// a field-level history without code of its own.
/// </summary>
public static class TimelineDiff
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static readonly ConcurrentDictionary<Type, (string Name, PropertyInfo Property)[]> Properties = new();

    private static readonly HashSet<string> Bookkeeping =
        new(StringComparer.Ordinal) { nameof(IEntityState.Version), nameof(IEntityState.PendingTimeline), "UpdatedAt" };

    /// <summary>The changed fields; with <paramref name="before"/> null, every field that has a value.</summary>
    public static List<FieldChange> Between<T>(T? before, T after)
        where T : class
    {
        var changes = new List<FieldChange>();
        foreach (var (name, property) in Properties.GetOrAdd(typeof(T), Describe))
        {
            var from = before is null ? null : Serialize(property.GetValue(before));
            var to = Serialize(property.GetValue(after));
            if (!string.Equals(from, to, StringComparison.Ordinal))
            {
                changes.Add(new FieldChange(name, from, to));
            }
        }

        return changes;
    }

    private static string? Serialize(object? value) => value switch
    {
        null => null,
        string { Length: 0 } => null,
        System.Collections.ICollection { Count: 0 } => null,
        _ => JsonSerializer.Serialize(value, value.GetType(), Json),
    };

    private static (string, PropertyInfo)[] Describe(Type type) =>
    [
        .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && !Bookkeeping.Contains(p.Name) &&
                        p.GetCustomAttribute<TimelineIgnoreAttribute>() is null)
            .Select(p => (JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name), p)),
    ];
}
