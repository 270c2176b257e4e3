using CrmChatbot.Common;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Chat;

/// <summary>
/// The persistence of a chat session: its document, written like an entity's through the entity store
/// (<see cref="IEntityStore"/>: compare-and-swap on the etag, with its timeline entries), and the messages a write moves
/// out of the document, appended as rows of <see cref="ChatStorage.Messages"/> with it, as the entity store appends
/// every <see cref="IAppendsRows{TRow}"/> state's rows: a message is in the document or in a row, never in neither.
/// Besides, the archive's tail and the archive of a build before store version 5. The stores only store: which
/// messages move is the grain's decision.
/// </summary>
public interface IChatSessionStore
{
    /// <summary>
    /// Reads the session into <paramref name="state"/>, first finishing what an earlier write left to do (the outbox;
    /// the archive of a build before store version 5 still in its old document) so that
    /// <see cref="ReadArchiveTailAsync"/> then sees every archived message.
    /// </summary>
    Task ReadAsync(GrainId grainId, IGrainState<ChatSessionState> state);

    /// <summary>
    /// Writes the session with <paramref name="entries"/> and appends <paramref name="archived"/>: when it returns, all are
    /// stored and the new etag is in <paramref name="state"/>. Throws (and stores neither) on a stale etag or a store failure.
    /// </summary>
    Task WriteAsync(GrainId grainId, IGrainState<ChatSessionState> state, IReadOnlyList<TimelineEntry> entries, IReadOnlyList<ArchivedChatMessage> archived);

    /// <summary>The last <paramref name="limit"/> archived messages of a session, oldest first (older rows are never read).</summary>
    Task<IReadOnlyList<ChatMessage>> ReadArchiveTailAsync(string sessionId, int limit, CancellationToken cancellationToken = default);
}

/// <summary>Numbering of archived messages, shared by the grain and the stores' migration.</summary>
public static class ChatArchive
{
    /// <summary>
    /// The rows of an archive kept by a build before store version 5 (<see cref="ChatTranscriptState"/>): its messages
    /// not also among the session's recent ones (a write left them in both), numbered so that they end right before
    /// the session's first recent message. Without the session (it is gone), numbered from 1.
    /// </summary>
    public static IReadOnlyList<ArchivedChatMessage> FromLegacy(string sessionId, ChatSessionState? session, ChatTranscriptState legacy)
    {
        var recent = session?.Messages.Select(m => m.Id).ToHashSet(StringComparer.Ordinal) ?? [];
        var older = legacy.Messages.Where(m => !recent.Contains(m.Id)).ToList();
        var first = session is null ? 1 : FirstRecentSeq(session) - older.Count;
        return [.. older.Select((m, i) => new ArchivedChatMessage { SessionId = sessionId, Seq = first + i, Message = m })];
    }

    /// <summary>The sequence number of the session's oldest recent message (the recent ones are the newest, in order).</summary>
    public static long FirstRecentSeq(ChatSessionState session) => (long)session.MessageCount - session.Messages.Count + 1;
}
