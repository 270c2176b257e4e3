using CrmChatbot.Chat;
using CrmChatbot.Common;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// Chat sessions on MongoDB: the session document through <see cref="MongoEntityStore"/>, its archived messages in
/// collection <c>chat_messages</c> (one document per message, <c>_id</c> = session id/sequence, indexed by session
/// and sequence). Without multi-document transactions the rows take the timeline's way: stored in the session's
/// outbox (<see cref="ChatSessionState.PendingArchive"/>) by the same document write, appended right after (idempotent
/// upserts), and again on activation when that append failed. A session's archive in the
/// <c>chat_transcripts</c> document of an older build is moved into rows on the session's activation.
/// </summary>
public sealed partial class MongoChatSessionStore(
    MongoStore store, MongoGrainStorage storage, MongoEntityStore entities, ILogger<MongoChatSessionStore> logger) : IChatSessionStore
{
    private const string SessionId = "session_id";
    private const string Seq = "seq";

    private int _indexed;

    private IMongoCollection<BsonDocument> Collection => store.GetCollection(ChatStorage.Messages);

    public async Task ReadAsync(GrainId grainId, IGrainState<ChatSessionState> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        await entities.ReadAsync(ChatStorage.Sessions, grainId, state).ConfigureAwait(false);
        if (state.RecordExists && state.State is { PendingArchive.Count: > 0 } pending)
        {
            // Not deferred here: the grain reads its transcript from the rows next.
            await AppendAsync(pending.PendingArchive).ConfigureAwait(false);
            pending.PendingArchive = [];
        }

        await MigrateLegacyAsync(grainId, state).ConfigureAwait(false);
    }

    public async Task WriteAsync(GrainId grainId, IGrainState<ChatSessionState> state, IReadOnlyList<TimelineEntry> entries, IReadOnlyList<ArchivedChatMessage> archived)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(archived);
        var session = state.State ?? throw new ArgumentException("The state to write is null.", nameof(state));
        var outbox = session.PendingArchive;
        session.PendingArchive = [.. outbox, .. archived];
        try
        {
            await entities.WriteAsync(ChatStorage.Sessions, grainId, state, entries).ConfigureAwait(false);
        }
        catch
        {
            session.PendingArchive = outbox;
            throw;
        }

        if (session.PendingArchive.Count == 0)
        {
            return;
        }

        try
        {
            // Cleared in memory only: the next write stores the empty outbox; a re-append is a no-op.
            await AppendAsync(session.PendingArchive).ConfigureAwait(false);
            session.PendingArchive = [];
        }
        catch (Exception ex) when (ex is StorageUnavailableException or TimeoutException)
        {
            LogAppendDeferred(logger, grainId.ToString(), ex.Message);
        }
    }

    public async Task<IReadOnlyList<ChatMessage>> ReadArchiveTailAsync(string sessionId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        await EnsureIndexAsync(cancellationToken).ConfigureAwait(false);
        // Newest first through the index, stopping at the limit: a long session's older rows are not read.
        var documents = await store.RunAsync(
            "read archived chat messages",
            ct => Collection.Find(new BsonDocument(SessionId, sessionId)).Sort(new BsonDocument(Seq, -1)).Limit(limit).ToListAsync(ct),
            cancellationToken).ConfigureAwait(false);
        var messages = documents.Select(d => MongoMapping.FromBson<ArchivedChatMessage>(d).Message).ToList();
        messages.Reverse();
        return messages;
    }

    private async Task AppendAsync(IReadOnlyList<ArchivedChatMessage> rows, CancellationToken cancellationToken = default)
    {
        await EnsureIndexAsync(cancellationToken).ConfigureAwait(false);
        // Rows are immutable: storing one again changes nothing.
        var writes = rows.Select(r =>
        {
            var id = $"{r.SessionId}/{r.Seq}";
            return new ReplaceOneModel<BsonDocument>(new BsonDocument("_id", id), MongoMapping.ToDocument(r, id)) { IsUpsert = true };
        }).ToList();
        await store.RunAsync(
            "append archived chat messages",
            ct => Collection.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = true }, ct),
            cancellationToken).ConfigureAwait(false);
    }

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
            await AppendAsync(rows).ConfigureAwait(false);
        }

        await storage.ClearStateAsync(ChatStorage.LegacyTranscripts, grainId, legacy).ConfigureAwait(false);
    }

    private async Task EnsureIndexAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _indexed) != 0)
        {
            return;
        }

        await store.RunAsync(
            "create chat message index",
            ct => Collection.Indexes.CreateOneAsync(
                new CreateIndexModel<BsonDocument>(
                    new BsonDocument { [SessionId] = 1, [Seq] = 1 }, new CreateIndexOptions { Name = "session_seq", Unique = true }),
                cancellationToken: ct),
            cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _indexed, 1);
    }

    [LoggerMessage(LogLevel.Warning, "Archived messages of chat session {Id} not appended yet ({Reason}); kept in the session and retried")]
    private static partial void LogAppendDeferred(ILogger logger, string id, string reason);
}
