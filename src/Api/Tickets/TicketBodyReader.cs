using System.Text.Json;
using CrmChatbot.Api.Http;
using CrmChatbot.Common;
using Microsoft.AspNetCore.Http;

namespace CrmChatbot.Api.Tickets;

/// <summary>
/// <see cref="JsonObjectReader"/> plus what tickets need beyond it: a list-of-strings field (tags),
/// read as strictly (an array of strings or null, else 422 naming the field).
/// </summary>
public sealed class TicketBodyReader(JsonElement root, JsonObjectReader reader)
{
    public const int MaxListItems = 100;

    public JsonObjectReader Reader => reader;

    public Optional<IReadOnlyList<string>> StringList(string field)
    {
        if (!reader.Has(field) || !root.TryGetProperty(field, out var value))
        {
            return Optional<IReadOnlyList<string>>.Absent;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return Optional<IReadOnlyList<string>>.Of([]);
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > MaxListItems ||
            value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            reader.Problems.Add(field, $"must be an array of at most {MaxListItems} strings");
            return Optional<IReadOnlyList<string>>.Absent;
        }

        return Optional<IReadOnlyList<string>>.Of([.. value.EnumerateArray().Select(item => item.GetString()!)]);
    }

    /// <summary>Reads the body as <see cref="JsonBody"/> does, handing <paramref name="read"/> this richer reader.</summary>
    public static async Task<JsonBody.Outcome<T>> ReadAsync<T>(HttpRequest request, Func<TicketBodyReader, T> read, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Problem is not null)
        {
            return new JsonBody.Outcome<T>(default, body.Problem);
        }

        using var document = body.Document!;
        var reader = new JsonObjectReader(document.RootElement, new FieldProblems());
        var value = read(new TicketBodyReader(document.RootElement, reader));
        return reader.Problems.Any
            ? new JsonBody.Outcome<T>(default, Problems.Validation(reader.Problems))
            : new JsonBody.Outcome<T>(value, null);
    }
}
