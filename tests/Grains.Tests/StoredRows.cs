using System.Text.Json.Nodes;
using CrmChatbot.Storage.Sqlite;

namespace CrmChatbot.Grains.Tests;

/// <summary>What the SQLite store holds, read directly (tests of what grains persist).</summary>
internal static class StoredRows
{
    /// <summary>The stored state of a row as JSON, or null when there is no row.</summary>
    public static JsonObject? State(this SqliteStore store, string table, string id) =>
        store.Read(s => s.Scalar($"SELECT doc FROM \"{table}\" WHERE id = @p0", id)) is string doc ? JsonNode.Parse(doc)!.AsObject() : null;

    /// <summary>Replaces a row's stored state behind its grain's back (a crash left it so).</summary>
    public static void SetState(this SqliteStore store, string table, string id, JsonObject state) =>
        store.Writes.RunAsync(s => s.Execute($"UPDATE \"{table}\" SET doc = @p1 WHERE id = @p0", id, state.ToJsonString())).GetAwaiter().GetResult();

    /// <summary>A chat session's archived message rows, by sequence: seq, message id, text.</summary>
    public static List<(long Seq, string Id, string Text)> ChatMessageRows(this SqliteStore store, string sessionId) => store.Read(s =>
    {
        var rows = new List<(long, string, string)>();
        using var reader = s.Command("SELECT seq, doc FROM chat_messages WHERE session_id = @p0 ORDER BY seq", sessionId).ExecuteReader();
        while (reader.Read())
        {
            var message = JsonNode.Parse(reader.GetString(1))!.AsObject();
            rows.Add((reader.GetInt64(0), (string)message["id"]!, (string)message["text"]!));
        }

        return rows;
    });

    /// <summary>Every reminder row: grain_id, reminder_name.</summary>
    public static List<(string GrainId, string ReminderName)> Reminders(this SqliteStore store) => store.Read(s =>
    {
        var rows = new List<(string, string)>();
        using var reader = s.Command("SELECT grain_id, reminder_name FROM reminders").ExecuteReader();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    });

    /// <summary>Every timeline entry as stored (JSON).</summary>
    public static List<JsonObject> Timeline(this SqliteStore store) => store.Read(s =>
    {
        var rows = new List<JsonObject>();
        using var reader = s.Command("SELECT doc FROM timeline").ExecuteReader();
        while (reader.Read())
        {
            rows.Add(JsonNode.Parse(reader.GetString(0))!.AsObject());
        }

        return rows;
    });
}
