using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrmChatbot.Webhooks;

/// <summary>JSON as the API writes it (snake_case names and enum values): event data and payloads look like API responses.</summary>
public static class WebhookJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return JsonSerializer.Serialize(value, value.GetType(), Options);
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
