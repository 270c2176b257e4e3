using CrmChatbot.Chat;
using CrmChatbot.Common;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// Archived chat messages on MongoDB: collection <c>chat_messages</c>, one document per message (<c>_id</c> = session
/// id/sequence, indexed by session and sequence). Appended with the session's writes by <see cref="MongoEntityStore"/>
/// (its outbox; <see cref="AppendOnlyCollections"/>), and by the migration of an older build's archive.
/// </summary>
public sealed class MongoChatMessages(MongoStore store) : IAppendOnlyRows<ArchivedChatMessage>
{
    private const string SessionId = "session_id";
    private const string Seq = "seq";

    private int _indexed;

    private IMongoCollection<BsonDocument> Collection => store.GetCollection(ChatStorage.Messages);

    public async Task AppendAsync(IReadOnlyList<ArchivedChatMessage> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
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

    /// <summary>The last <paramref name="limit"/> messages of a session, oldest first (older rows are never read).</summary>
    public async Task<IReadOnlyList<ChatMessage>> ReadTailAsync(string sessionId, int limit, CancellationToken cancellationToken = default)
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
}
