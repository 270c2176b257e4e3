using System.Text.Json;
using CrmChatbot.Common;

namespace CrmChatbot.Api.Http;

/// <summary>
/// Reads the fields of a JSON object strictly: each field must have the expected JSON type (so an
/// operator object such as <c>{"$gt": ""}</c> where a string belongs is refused), every field must
/// be known, and every problem is reported against the field's name.
/// </summary>
public sealed class JsonObjectReader(JsonElement root, FieldProblems problems)
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public FieldProblems Problems => problems;

    public bool Has(string field)
    {
        _known.Add(field);
        return root.TryGetProperty(field, out _);
    }

    /// <summary>A string field; null when absent or null.</summary>
    public string? String(string field) => StringField(field).Value;

    /// <summary>A string field of a partial update: absent, null, or a value.</summary>
    public Optional<string> StringField(string field)
    {
        if (!TryGet(field, out var value))
        {
            return Optional<string>.Absent;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return Optional<string>.Of(null);
            case JsonValueKind.String:
                return Optional<string>.Of(value.GetString());
            default:
                problems.Add(field, $"must be a string, not {Describe(value)}");
                return Optional<string>.Absent;
        }
    }

    /// <summary>An enum field given as its snake_case name; null when absent or null.</summary>
    public Optional<T> EnumField<T>(string field, bool allowNull = true)
        where T : struct, Enum
    {
        if (!TryGet(field, out var value))
        {
            return Optional<T>.Absent;
        }

        if (value.ValueKind == JsonValueKind.Null && allowNull)
        {
            return Optional<T>.Absent;
        }

        if (value.ValueKind == JsonValueKind.String && SnakeCaseEnum.TryParse<T>(value.GetString(), out var parsed))
        {
            return Optional<T>.Of(parsed);
        }

        problems.Add(field, $"must be one of: {string.Join(", ", SnakeCaseEnum.AllNames<T>())}");
        return Optional<T>.Absent;
    }

    /// <summary>A field holding an array of strings; absent when absent (null is a problem).</summary>
    public Optional<IReadOnlyList<string>> StringListField(string field)
    {
        if (!TryGet(field, out var value))
        {
            return Optional<IReadOnlyList<string>>.Absent;
        }

        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
        {
            return Optional<IReadOnlyList<string>>.Of([.. value.EnumerateArray().Select(e => e.GetString()!)]);
        }

        problems.Add(field, $"must be an array of strings, not {Describe(value)}");
        return Optional<IReadOnlyList<string>>.Absent;
    }

    public Optional<bool> BoolField(string field)
    {
        if (!TryGet(field, out var value))
        {
            return Optional<bool>.Absent;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return Optional<bool>.Of(value.GetBoolean());
        }

        problems.Add(field, $"must be true or false, not {Describe(value)}");
        return Optional<bool>.Absent;
    }

    /// <summary>
    /// An account email is also a grain key: it must be present and of sane length before any grain
    /// is addressed with it. Its format is checked by the user grain.
    /// </summary>
    public void RequireEmailKey(string? email)
    {
        if (problems.Has("email"))
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(email))
        {
            problems.Add("email", "is required");
        }
        else if (email.Trim().Length > 254)
        {
            problems.Add("email", "must be at most 254 characters");
        }
        else if (TextRules.Problem(email, multiLine: false) is { } badCharacter)
        {
            problems.Add("email", badCharacter);
        }
    }

    /// <summary>Reports every field the endpoint did not ask for.</summary>
    public void RejectUnknownFields(params string[] readOnlyFields)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (_known.Contains(property.Name))
            {
                continue;
            }

            problems.Add(property.Name, readOnlyFields.Contains(property.Name, StringComparer.Ordinal)
                ? "is read-only"
                : "is not a known field");
        }
    }

    private bool TryGet(string field, out JsonElement value)
    {
        _known.Add(field);
        return root.TryGetProperty(field, out value);
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
