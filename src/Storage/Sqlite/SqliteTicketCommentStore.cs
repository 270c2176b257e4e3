using CrmChatbot.Common;
using CrmChatbot.Tickets;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// Ticket comments in the embedded store: table <c>ticket_comments</c>, one row per comment (the comment as JSON,
/// its ticket, sequence number and internal flag as columns), indexed for the staff list (all comments) and the
/// client list (public ones), both oldest first. A ticket's new comments reach it through
/// <see cref="SqliteEntityStore"/>, in the transaction of the ticket's change (<see cref="SqliteRowSets"/>).
/// </summary>
public sealed class SqliteTicketCommentStore : ITicketCommentStore
{
    internal const string Table = TicketStorage.Comments;

    private readonly SqliteStore _store;

    public SqliteTicketCommentStore(SqliteStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>The table and its indexes; part of the store's own tables (<see cref="SqliteMigrations"/>).</summary>
    internal static void Create(SqliteSession session)
    {
        session.ExecuteOnce(
            $"CREATE TABLE IF NOT EXISTS {Table} (id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL, seq INTEGER NOT NULL, " +
            "internal INTEGER NOT NULL, doc TEXT NOT NULL) WITHOUT ROWID");
        session.ExecuteOnce($"CREATE INDEX IF NOT EXISTS {Table}__ticket ON {Table} (ticket_id, seq, id)");
        session.ExecuteOnce($"CREATE INDEX IF NOT EXISTS {Table}__ticket_public ON {Table} (ticket_id, internal, seq, id)");
    }

    public Task AppendAsync(IReadOnlyList<TicketComment> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var prepared = ToRows(rows);
        return _store.Writes.RunAsync(session => Insert(session, prepared), cancellationToken);
    }

    public Task<Page<TicketComment>> ListAsync(string ticketId, bool includeInternal, int limit, int offset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        QueryRules.ValidatePaging(limit, offset);
        cancellationToken.ThrowIfCancellationRequested();
        var where = includeInternal ? "ticket_id = @p0" : "ticket_id = @p0 AND internal = 0";
        var page = _store.ReadSnapshot(session =>
        {
            var total = (long)session.Scalar($"SELECT count(*) FROM {Table} WHERE {where}", ticketId)!;
            var items = new List<TicketComment>();
            using var reader = session.Command($"SELECT doc FROM {Table} WHERE {where} ORDER BY seq, id LIMIT @p1 OFFSET @p2", ticketId, limit, offset)
                .ExecuteReader();
            while (reader.Read())
            {
                items.Add(SqliteJson.Deserialize<TicketComment>(reader.GetString(0)));
            }

            return new Page<TicketComment>(items, total, QueryRules.NextOffset(offset, limit, total));
        });
        return Task.FromResult(page);
    }

    public Task DeleteAllAsync(string ticketId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        return _store.Writes.RunAsync(session => session.Execute($"DELETE FROM {Table} WHERE ticket_id = @p0", ticketId), cancellationToken);
    }

    /// <summary>Comments as the table stores them: id, ticket, sequence, internal flag, JSON.</summary>
    internal static IReadOnlyList<object?[]> ToRows(IReadOnlyList<TicketComment> comments) =>
        comments.Select(c => new object?[] { c.Id, c.TicketId, c.Seq, c.Internal ? 1 : 0, SqliteJson.Serialize(c) }).ToList();

    /// <summary>Stores comment rows in the caller's write (also the write of the ticket's change: both commit together).</summary>
    internal static int Insert(SqliteSession session, IReadOnlyList<object?[]> rows)
    {
        foreach (var row in rows)
        {
            // Comments are immutable: storing one again (a retried append, a repeated migration) changes nothing.
            session.Execute($"INSERT INTO {Table} (id, ticket_id, seq, internal, doc) VALUES (@p0, @p1, @p2, @p3, @p4) ON CONFLICT (id) DO NOTHING", row);
        }

        return rows.Count;
    }
}
