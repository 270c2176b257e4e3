using CrmChatbot.Common;
using CrmChatbot.Storage.Timeline;
using CrmChatbot.Webhooks;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// The event outbox of the embedded store: table <c>event_outbox</c>, one row per timeline entry (with its snapshot),
/// inserted by <see cref="SqliteTimelineStore.Insert"/> in the transaction of the change. Its AUTOINCREMENT sequence
/// is the commit order (one writer commits at a time), which is the order it is read in.
/// </summary>
public sealed class SqliteEventOutbox(SqliteStore store) : IEventOutbox
{
    private static readonly string Table = EventOutboxDocuments.Collection;

    internal static void Create(SqliteSession session) =>
        session.ExecuteOnce($"CREATE TABLE IF NOT EXISTS {Table} (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL)");

    internal static void Insert(SqliteSession session, string id, string doc) =>
        session.Execute($"INSERT INTO {Table} (id, doc) VALUES (@p0, @p1) ON CONFLICT (id) DO NOTHING", id, doc);

    public Task<IReadOnlyList<TimelineEntry>> ReadAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<TimelineEntry> entries = store.Read(session =>
        {
            var items = new List<TimelineEntry>();
            using var reader = session.Command($"SELECT doc FROM {Table} ORDER BY seq LIMIT @p0", limit).ExecuteReader();
            while (reader.Read())
            {
                items.Add(SqliteJson.Deserialize<TimelineEntry>(reader.GetString(0)));
            }

            return items;
        });
        return Task.FromResult(entries);
    }

    public Task RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return Task.CompletedTask;
        }

        var list = ids.ToList();
        return store.Writes.RunAsync(session =>
        {
            foreach (var id in list)
            {
                session.Execute($"DELETE FROM {Table} WHERE id = @p0", id);
            }

            return list.Count;
        }, cancellationToken);
    }
}
