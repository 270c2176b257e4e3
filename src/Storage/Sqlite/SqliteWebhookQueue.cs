using CrmChatbot.Webhooks;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// The webhook subscriptions' queues in the embedded store: table <c>webhook_queue</c>, one row per pending
/// (subscription, event). The AUTOINCREMENT sequence is the append order (one writer commits at a time), read back
/// through the (subscription_id, seq) index; UNIQUE (subscription_id, event_id) makes a re-handed event a no-op.
/// </summary>
public sealed class SqliteWebhookQueue(SqliteStore store) : IWebhookQueue
{
    internal const string Table = "webhook_queue";

    /// <summary>The table and its index; part of the store's own tables (<see cref="SqliteMigrations"/>, store version 4).</summary>
    internal static void Create(SqliteSession session)
    {
        session.ExecuteOnce(
            $"CREATE TABLE IF NOT EXISTS {Table} (seq INTEGER PRIMARY KEY AUTOINCREMENT, subscription_id TEXT NOT NULL, " +
            "event_id TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (subscription_id, event_id))");
        session.ExecuteOnce($"CREATE INDEX IF NOT EXISTS {Table}__subscription ON {Table} (subscription_id, seq)");
    }

    public Task<int> AppendAsync(string subscriptionId, IReadOnlyList<WebhookEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return Task.FromResult(0);
        }

        var rows = events.Select(e => (e.Id, Doc: SqliteJson.Serialize(e))).ToList();
        // One write (one transaction): the batch is stored whole or not at all.
        return store.Writes.RunAsync(session => rows.Sum(row => session.Execute(
            $"INSERT INTO {Table} (subscription_id, event_id, doc) VALUES (@p0, @p1, @p2) ON CONFLICT (subscription_id, event_id) DO NOTHING",
            subscriptionId, row.Id, row.Doc)), cancellationToken);
    }

    public Task<IReadOnlyList<QueuedEvent>> ReadAsync(string subscriptionId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<QueuedEvent> events = store.Read(session =>
        {
            var items = new List<QueuedEvent>();
            using var reader = session.Command($"SELECT seq, doc FROM {Table} WHERE subscription_id = @p0 ORDER BY seq LIMIT @p1", subscriptionId, limit)
                .ExecuteReader();
            while (reader.Read())
            {
                items.Add(new QueuedEvent(reader.GetInt64(0), SqliteJson.Deserialize<WebhookEvent>(reader.GetString(1))));
            }

            return items;
        });
        return Task.FromResult(events);
    }

    public Task RemoveAsync(string subscriptionId, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentNullException.ThrowIfNull(eventIds);
        if (eventIds.Count == 0)
        {
            return Task.CompletedTask;
        }

        var ids = eventIds.ToList();
        return store.Writes.RunAsync(
            session => ids.Sum(id => session.Execute($"DELETE FROM {Table} WHERE subscription_id = @p0 AND event_id = @p1", subscriptionId, id)),
            cancellationToken);
    }

    public Task<long> CountAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(store.Read(session => (long)session.Scalar($"SELECT count(*) FROM {Table} WHERE subscription_id = @p0", subscriptionId)!));
    }

    public Task DeleteAllAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        return store.Writes.RunAsync(session => session.Execute($"DELETE FROM {Table} WHERE subscription_id = @p0", subscriptionId), cancellationToken);
    }
}
