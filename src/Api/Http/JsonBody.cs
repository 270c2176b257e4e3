using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrmChatbot.Api.Http;

/// <summary>
/// Reads a request body as one JSON object, refusing what is not: wrong media type (415), too
/// large (413), malformed JSON or not an object (400). Bodies are small, so they are buffered.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 1024 * 1024;

    public sealed record Outcome(JsonDocument? Document, ProblemHttpResult? Problem);

    /// <summary>A body read into a command, or the problem that stops the request.</summary>
    public sealed record Outcome<T>(T? Value, ProblemHttpResult? Problem);

    /// <summary>
    /// Reads the body and maps its fields with <paramref name="read"/>, which reports field problems
    /// on the reader (and calls <see cref="JsonObjectReader.RejectUnknownFields"/>). Any problem
    /// becomes a 4xx response before anything reaches a grain.
    /// </summary>
    public static async Task<Outcome<T>> ReadAsync<T>(
        HttpRequest request, Func<JsonObjectReader, T> read, CancellationToken cancellationToken)
    {
        var body = await ReadAsync(request, cancellationToken);
        if (body.Problem is not null)
        {
            return new Outcome<T>(default, body.Problem);
        }

        using var document = body.Document!;
        var reader = new JsonObjectReader(document.RootElement, new FieldProblems());
        var value = read(reader);
        return reader.Problems.Any
            ? new Outcome<T>(default, Problems.Validation(reader.Problems))
            : new Outcome<T>(value, null);
    }

    public static async Task<Outcome> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return Fail(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "The request body must be JSON, sent with Content-Type: application/json.");
        }

        if (request.ContentLength > MaxBytes)
        {
            return TooLarge();
        }

        var buffer = new ArrayBufferWriter<byte>();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.WrittenCount + read > MaxBytes)
            {
                return TooLarge();
            }

            buffer.Write(chunk.AsSpan(0, read));
        }

        if (buffer.WrittenCount == 0)
        {
            return Fail(StatusCodes.Status400BadRequest, "Malformed JSON", "The request body is empty; a JSON object is required.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {ex.BytePositionInLine + 1}" : "";
            return Fail(StatusCodes.Status400BadRequest, "Malformed JSON", $"The request body is not valid JSON{where}.");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return Fail(StatusCodes.Status400BadRequest, "Malformed JSON", "The request body must be a JSON object.");
        }

        if (UndecodableField(document.RootElement, "") is { } field)
        {
            document.Dispose();
            return new Outcome(null, TypedResults.Problem(new HttpValidationProblemDetails(
                new Dictionary<string, string[]> { [field] = [UndecodableMessage] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Malformed JSON",
                Detail = $"The request body holds text that is not valid Unicode at '{field}'.",
            }));
        }

        return new Outcome(document, null);
    }

    public const string UndecodableMessage = "is not valid text: invalid UTF-8 or a lone surrogate escape such as \\ud800";

    /// <summary>
    /// The path of the first string or field name that cannot become a .NET string (invalid UTF-8
    /// bytes, or an escaped lone surrogate, both of which the parser accepts), or null. Checked for
    /// the whole document here, so no reader further on meets one.
    /// </summary>
    private static string? UndecodableField(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!TryDecode(() => property.Name, out var name))
                    {
                        return path.Length == 0 ? "(field name)" : path + ".(field name)";
                    }

                    if (UndecodableField(property.Value, path.Length == 0 ? name : $"{path}.{name}") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (UndecodableField(item, $"{path}[{index++}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.String:
                return TryDecode(element.GetString, out _) ? null : path;
            default:
                return null;
        }
    }

    private static bool TryDecode(Func<string?> decode, out string value)
    {
        try
        {
            value = decode() ?? "";
            return true;
        }
        catch (InvalidOperationException)
        {
            value = "";
            return false;
        }
    }

    private static Outcome TooLarge() =>
        Fail(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"The request body must be at most {MaxBytes} bytes.");

    private static Outcome Fail(int status, string title, string detail) =>
        new(null, TypedResults.Problem(detail, statusCode: status, title: title));
}
