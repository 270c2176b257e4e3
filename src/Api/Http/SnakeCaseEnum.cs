using System.Collections.Concurrent;
using System.Text.Json;

namespace CrmChatbot.Api.Http;

/// <summary>Enum values as the API spells them: <c>InProgress</c> is "in_progress".</summary>
public static class SnakeCaseEnum
{
    private static readonly ConcurrentDictionary<Type, string[]> Names = new();

    public static string Name<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string[] AllNames<T>()
        where T : struct, Enum =>
        Names.GetOrAdd(typeof(T), _ => [.. Enum.GetValues<T>().Select(Name)]);

    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Name(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
