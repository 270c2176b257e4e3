using System.Globalization;
using CrmChatbot.Common;

namespace CrmChatbot.Api.Http;

/// <summary>Parses list query parameters with field-named errors instead of binding failures.</summary>
public sealed class QueryReader(FieldProblems problems)
{
    public const int MaxLimit = 200;

    public FieldProblems Problems => problems;

    public T? Enum<T>(string name, string? raw)
        where T : struct, Enum
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        if (SnakeCaseEnum.TryParse<T>(raw, out var value))
        {
            return value;
        }

        problems.Add(name, $"must be one of: {string.Join(", ", SnakeCaseEnum.AllNames<T>())}");
        return null;
    }

    public int Int(string name, string? raw, int fallback, int min, int max)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        problems.Add(name, $"must be a whole number from {min} to {max}");
        return fallback;
    }

    public int Limit(string? raw, int fallback = 50) => Int("limit", raw, fallback, 1, MaxLimit);

    public int Offset(string? raw) => Int("offset", raw, 0, 0, int.MaxValue);

    public bool? Bool(string name, string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        if (bool.TryParse(raw, out var value))
        {
            return value;
        }

        problems.Add(name, "must be true or false");
        return null;
    }

    public string? Text(string name, string? raw, int maxLength)
    {
        var text = raw?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text.Length > maxLength)
        {
            problems.Add(name, $"must be at most {maxLength} characters");
        }

        return text;
    }

    /// <summary>Parses <c>sort=field</c> or <c>sort=-field</c> (descending).</summary>
    public SortOrder<T> Sort<T>(string? raw, SortOrder<T> fallback)
        where T : struct, Enum
    {
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        var descending = raw.StartsWith('-');
        var field = descending ? raw[1..] : raw;
        if (SnakeCaseEnum.TryParse<T>(field, out var value))
        {
            return new SortOrder<T>(value, descending);
        }

        problems.Add("sort", $"must be one of: {string.Join(", ", SnakeCaseEnum.AllNames<T>())}, optionally prefixed with '-' for descending");
        return fallback;
    }
}
