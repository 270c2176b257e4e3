using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// The JSON of CRM states in the SQLite store, the same document MongoDB holds under <c>state</c>:
/// snake_case names (<see cref="SnakeCase"/>), CrmChatbot enums as their snake_case names
/// (<see cref="StoredEnums"/>), DateTime as UTC with millisecond precision in one fixed-width text
/// form (<see cref="DateFormat"/>, so text order is time order in indexes and <c>json_extract</c>),
/// decimal as an exact JSON number, nulls written explicitly, unknown fields ignored on read.
/// </summary>
public static class SqliteJson
{
    /// <summary>Stored dates: UTC, milliseconds, always 24 characters.</summary>
    public const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = new SnakeCasePolicy(),
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            IncludeFields = false,
            NumberHandling = JsonNumberHandling.Strict,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        };
        options.Converters.Add(new UtcDateTimeConverter());
        options.Converters.Add(new StoredEnumConverterFactory());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Serialize<T>(T state) => JsonSerializer.Serialize(state, Options);

    public static string Serialize(object? value, Type type) => JsonSerializer.Serialize(value, type, Options);

    /// <summary>Reads a stored state; a JSON null gives a fresh state.</summary>
    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? Activator.CreateInstance<T>();

    public static object? Deserialize(string json, Type type) => JsonSerializer.Deserialize(json, type, Options);

    /// <summary>A date as stored: UTC (an Unspecified kind is taken as UTC), truncated to milliseconds, in <see cref="DateFormat"/>.</summary>
    public static string FormatDate(DateTime value)
    {
        var utc = value.Kind switch
        {
            DateTimeKind.Utc => value,
            DateTimeKind.Local => value.ToUniversalTime(),
            _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        };
        return utc.ToString(DateFormat, CultureInfo.InvariantCulture);
    }

    public static DateTime ParseDate(string text) =>
        DateTime.ParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private sealed class SnakeCasePolicy : JsonNamingPolicy
    {
        public override string ConvertName(string name) => SnakeCase.Convert(name);
    }

    private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String
                ? ParseDate(reader.GetString()!)
                : throw new JsonException($"A DateTime must be stored as a string, found {reader.TokenType}.");

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(FormatDate(value));
    }

    private sealed class StoredEnumConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            StoredEnums.IsRegistered(typeToConvert)
                ? (JsonConverter)Activator.CreateInstance(typeof(StoredEnumConverter<>).MakeGenericType(typeToConvert))!
                : throw new InvalidOperationException(
                    $"Enum type {typeToConvert.FullName} is not a CrmChatbot enum; only those are stored (as snake_case strings).");
    }

    private sealed class StoredEnumConverter<TEnum> : JsonConverter<TEnum>
        where TEnum : struct, Enum
    {
        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String
                ? StoredEnums.Parse<TEnum>(reader.GetString()!)
                : throw new JsonException($"A {typeof(TEnum).Name} must be stored as a string, found {reader.TokenType}.");

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
            writer.WriteStringValue(StoredEnums.ToName(value));

        public override TEnum ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            StoredEnums.Parse<TEnum>(reader.GetString()!);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
            writer.WritePropertyName(StoredEnums.ToName(value));
    }
}
