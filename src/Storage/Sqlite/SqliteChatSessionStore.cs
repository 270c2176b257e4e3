using CrmChatbot.Chat;
using CrmChatbot.Common;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// Chat sessions in the embedded store: the session document and its archived messages through the entity store
/// (<see cref="SqliteEntityStore"/>: the rows in the session write's transaction), in table <c>chat_messages</c> (one
/// row per message: session id and sequence as the primary key, the message as JSON; <see cref="SqliteRowSets"/>).
/// </summary>
public sealed class SqliteChatSessionStore(SqliteStore store, IEntityStore entities) : IChatSessionStore
{
    internal const string Table = ChatStorage.Messages;

    /// <summary>The table; part of the store's own tables (<see cref="SqliteMigrations"/>).</summary>
    internal static void Create(SqliteSession session) =>
        session.ExecuteOnce(
            $"CREATE TABLE IF NOT EXISTS {Table} (session_id TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL, " +
            "PRIMARY KEY (session_id, seq)) WITHOUT ROWID");

    public Task ReadAsync(GrainId grainId, IGrainState<ChatSessionState> state) =>
        entities.ReadAsync<ChatSessionState, ArchivedChatMessage>(ChatStorage.Sessions, grainId, state);

    public Task WriteAsync(GrainId grainId, IGrainState<ChatSessionState> state, IReadOnlyList<TimelineEntry> entries, IReadOnlyList<ArchivedChatMessage> archived) =>
        entities.WriteAsync(ChatStorage.Sessions, grainId, state, entries, archived);

    public Task<IReadOnlyList<ChatMessage>> ReadArchiveTailAsync(string sessionId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        cancellationToken.ThrowIfCancellationRequested();
        var tail = store.Read(session =>
        {
            var messages = new List<ChatMessage>();
            // Newest first through the primary key, stopping at the limit: a long session's older rows are not read.
            using var reader = session.Command($"SELECT doc FROM {Table} WHERE session_id = @p0 ORDER BY seq DESC LIMIT @p1", sessionId, limit)
                .ExecuteReader();
            while (reader.Read())
            {
                messages.Add(SqliteJson.Deserialize<ChatMessage>(reader.GetString(0)));
            }

            messages.Reverse();
            return messages;
        });
        return Task.FromResult<IReadOnlyList<ChatMessage>>(tail);
    }

    /// <summary>Archived messages as the table stores them: session id, sequence, JSON of the message.</summary>
    internal static IReadOnlyList<object?[]> ToRows(IReadOnlyList<ArchivedChatMessage> archived) =>
        [.. archived.Select(a => new object?[] { a.SessionId, a.Seq, SqliteJson.Serialize(a.Message) })];

    /// <summary>Stores rows in the caller's write (the session's, or the migration's); <see cref="SqliteRowSets"/>.</summary>
    internal static void Insert(SqliteSession session, IReadOnlyList<object?[]> rows)
    {
        foreach (var row in rows)
        {
            // Rows are immutable: storing one again (a repeated migration) changes nothing.
            session.Execute($"INSERT INTO {Table} (session_id, seq, doc) VALUES (@p0, @p1, @p2) ON CONFLICT (session_id, seq) DO NOTHING", row);
        }
    }
}
