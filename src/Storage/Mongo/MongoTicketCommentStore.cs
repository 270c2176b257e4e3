using CrmChatbot.Common;
using CrmChatbot.Tickets;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// Ticket comments in MongoDB: collection <c>ticket_comments</c>, one document per comment (<c>_id</c> = comment
/// id), indexed by ticket and sequence. A ticket's new comments reach it through <see cref="MongoEntityStore"/>:
/// stored first in the ticket's outbox, appended right after (idempotent upserts by id; <see cref="AppendOnlyCollections"/>).
/// </summary>
public sealed class MongoTicketCommentStore(MongoStore store) : ITicketCommentStore
{
    private const string TicketId = "ticket_id";
    private const string Seq = "seq";
    private const string Internal = "internal";

    private int _indexed;

    private IMongoCollection<BsonDocument> Collection => store.GetCollection(TicketStorage.Comments);

    public async Task AppendAsync(IReadOnlyList<TicketComment> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await EnsureIndexAsync(cancellationToken).ConfigureAwait(false);
        foreach (var comment in rows)
        {
            var document = MongoMapping.ToDocument(comment, comment.Id);
            // Comments are immutable: storing one again changes nothing.
            await store.RunAsync(
                "append ticket comment",
                ct => Collection.ReplaceOneAsync(new BsonDocument("_id", comment.Id), document, new ReplaceOptions { IsUpsert = true }, ct),
                cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<Page<TicketComment>> ListAsync(string ticketId, bool includeInternal, int limit, int offset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        QueryRules.ValidatePaging(limit, offset);
        await EnsureIndexAsync(cancellationToken).ConfigureAwait(false);
        var filter = new BsonDocument(TicketId, ticketId);
        if (!includeInternal)
        {
            filter[Internal] = false;
        }

        var sort = new BsonDocument { [Seq] = 1, ["_id"] = 1 };
        var total = await store.RunAsync("count ticket comments", ct => Collection.CountDocumentsAsync(filter, cancellationToken: ct), cancellationToken)
            .ConfigureAwait(false);
        var documents = await store.RunAsync(
            "read ticket comments",
            ct => Collection.Find(filter).Sort(sort).Skip(offset).Limit(limit).ToListAsync(ct),
            cancellationToken).ConfigureAwait(false);
        var items = documents.Select(d =>
        {
            var comment = MongoMapping.FromBson<TicketComment>(d);
            comment.Id = d["_id"].AsString;
            return comment;
        }).ToList();
        return new Page<TicketComment>(items, total, QueryRules.NextOffset(offset, limit, total));
    }

    public async Task DeleteAllAsync(string ticketId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        await store.RunAsync(
            "delete ticket comments",
            ct => Collection.DeleteManyAsync(new BsonDocument(TicketId, ticketId), ct),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureIndexAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _indexed) != 0)
        {
            return;
        }

        var keys = new BsonDocument { [TicketId] = 1, [Internal] = 1, [Seq] = 1 };
        var all = new BsonDocument { [TicketId] = 1, [Seq] = 1 };
        await store.RunAsync(
            "create ticket comment indexes",
            ct => Collection.Indexes.CreateManyAsync(
                [
                    new CreateIndexModel<BsonDocument>(all, new CreateIndexOptions { Name = "ticket_seq" }),
                    new CreateIndexModel<BsonDocument>(keys, new CreateIndexOptions { Name = "ticket_public_seq" }),
                ],
                ct),
            cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _indexed, 1);
    }
}
