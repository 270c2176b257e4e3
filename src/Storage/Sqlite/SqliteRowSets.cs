using CrmChatbot.Chat;
using CrmChatbot.Tickets;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// How one append-only table stores the rows an entity's write appends, inside that write's transaction: the rows as
/// statement parameters (prepared before the write, off the writer thread), and the idempotent insert of them.
/// </summary>
internal sealed class SqliteRowSet<TRow>(
    Func<IReadOnlyList<TRow>, IReadOnlyList<object?[]>> toRows, Action<SqliteSession, IReadOnlyList<object?[]>> insert)
    where TRow : class
{
    internal IReadOnlyList<object?[]> ToRows(IReadOnlyList<TRow> rows) => toRows(rows);

    internal void Insert(SqliteSession session, IReadOnlyList<object?[]> rows) => insert(session, rows);
}

/// <summary>
/// The append-only tables <see cref="SqliteEntityStore"/> writes rows to, by row type. The store's own tables
/// (<see cref="Tables"/>, created by <see cref="SqliteMigrations"/>) are registered once here; the entity store finds
/// the table by the rows a write carries and knows no entity type.
/// </summary>
internal sealed class SqliteRowSets
{
    private readonly Dictionary<Type, object> _sets = [];

    /// <summary>The store's append-only tables besides the timeline (which every write may touch: wired in directly).</summary>
    internal static SqliteRowSets Tables { get; } = new SqliteRowSets()
        .Add(new SqliteRowSet<TicketComment>(SqliteTicketCommentStore.ToRows, (session, rows) => SqliteTicketCommentStore.Insert(session, rows)))
        .Add(new SqliteRowSet<ArchivedChatMessage>(SqliteChatSessionStore.ToRows, SqliteChatSessionStore.Insert));

    internal SqliteRowSets Add<TRow>(SqliteRowSet<TRow> set)
        where TRow : class
    {
        _sets[typeof(TRow)] = set;
        return this;
    }

    internal SqliteRowSet<TRow> Of<TRow>()
        where TRow : class =>
        _sets.TryGetValue(typeof(TRow), out var set)
            ? (SqliteRowSet<TRow>)set
            : throw new InvalidOperationException($"The embedded store has no append-only table for {typeof(TRow).Name} rows.");
}
