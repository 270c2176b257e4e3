using System.Text;
using System.Text.Json;
using CrmChatbot.Common;

namespace CrmChatbot.Webhooks;

/// <summary>The JSON body of a webhook event, built once from the outbox entry (every retry sends the same bytes).</summary>
public static class WebhookPayload
{
    public static WebhookEvent From(TimelineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var type = WebhookRules.EventType(entry);
        var body = Write(writer =>
        {
            writer.WriteString("id", entry.Id);
            writer.WriteString("type", type);
            writer.WriteString("occurred_at", DateTime.SpecifyKind(entry.At, DateTimeKind.Utc));
            writer.WriteStartObject("actor");
            writer.WriteString("kind", JsonNamingPolicy.SnakeCaseLower.ConvertName(entry.ActorKind.ToString()));
            writer.WriteString("id", entry.ActorId);
            writer.WriteString("name", entry.ActorName);
            writer.WriteEndObject();
            writer.WriteStartObject("entity");
            writer.WriteString("kind", entry.EntityKind);
            writer.WriteString("id", entry.EntityId);
            writer.WriteNumber("version", entry.Version);
            writer.WriteEndObject();
            writer.WritePropertyName("data");
            if (entry.Snapshot is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteRawValue(entry.Snapshot);
            }

            writer.WriteStartArray("changes");
            foreach (var change in entry.Changes)
            {
                writer.WriteStartObject();
                writer.WriteString("field", change.Field);
                WriteJson(writer, "from", change.From);
                WriteJson(writer, "to", change.To);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("note", entry.Note);
        });
        return new WebhookEvent(entry.Id, type, $"{entry.EntityKind}/{entry.EntityId}", body);
    }

    /// <summary>The ping of POST /api/webhooks/{id}/test.</summary>
    public static WebhookEvent Ping(string subscriptionId, DateTime now)
    {
        var id = Guid.CreateVersion7().ToString();
        var body = Write(writer =>
        {
            writer.WriteString("id", id);
            writer.WriteString("type", WebhookRules.TestEventType);
            writer.WriteString("occurred_at", DateTime.SpecifyKind(now, DateTimeKind.Utc));
            writer.WriteStartObject("data");
            writer.WriteString("webhook_id", subscriptionId);
            writer.WriteEndObject();
        });
        return new WebhookEvent(id, WebhookRules.TestEventType, "webhook/" + subscriptionId, body);
    }

    private static void WriteJson(Utf8JsonWriter writer, string name, string? json)
    {
        writer.WritePropertyName(name);
        if (json is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteRawValue(json);
        }
    }

    private static string Write(Action<Utf8JsonWriter> properties)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            properties(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
