using CrmChatbot.Chat;
using CrmChatbot.Common;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// Chat sessions on MongoDB: the session document and its archived messages through the entity store
/// (<see cref="MongoEntityStore"/>: the rows go through the session document's outbox, as every
/// <see cref="IAppendsRows{TRow}"/> state's rows do), the rows in <see cref="MongoChatMessages"/>. A session's archive in
/// the <c>chat_transcripts</c> document of an older build is moved into rows on the session's activation.
/// </summary>
public sealed class MongoChatSessionStore(MongoGrainStorage storage, IEntityStore entities, MongoChatMessages messages) : IChatSessionStore
{
    public async Task ReadAsync(GrainId grainId, IGrainState<ChatSessionState> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        await entities.ReadAsync<ChatSessionState, ArchivedChatMessage>(ChatStorage.Sessions, grainId, state).ConfigureAwait(false);
        await MigrateLegacyAsync(grainId, state).ConfigureAwait(false);
    }

    public Task WriteAsync(GrainId grainId, IGrainState<ChatSessionState> state, IReadOnlyList<TimelineEntry> entries, IReadOnlyList<ArchivedChatMessage> archived) =>
        entities.WriteAsync(ChatStorage.Sessions, grainId, state, entries, archived);

    public Task<IReadOnlyList<ChatMessage>> ReadArchiveTailAsync(string sessionId, int limit, CancellationToken cancellationToken = default) =>
        messages.ReadTailAsync(sessionId, limit, cancellationToken);

    /// <summary>
    /// The session's archive document of a build before store version 5, moved into rows then deleted (etag-checked):
    /// the grain's activation is single-threaded, and an interrupted move is redone with the same numbers next time.
    /// </summary>
    private async Task MigrateLegacyAsync(GrainId grainId, IGrainState<ChatSessionState> state)
    {
        var legacy = new GrainState<ChatTranscriptState>(new ChatTranscriptState());
        await storage.ReadStateAsync(ChatStorage.LegacyTranscripts, grainId, legacy).ConfigureAwait(false);
        if (!legacy.RecordExists)
        {
            return;
        }

        var rows = ChatArchive.FromLegacy(MongoGrainStorage.DocumentId(grainId), state.RecordExists ? state.State : null, legacy.State ?? new());
        if (rows.Count > 0)
        {
            await messages.AppendAsync(rows).ConfigureAwait(false);
        }

        await storage.ClearStateAsync(ChatStorage.LegacyTranscripts, grainId, legacy).ConfigureAwait(false);
    }
}
