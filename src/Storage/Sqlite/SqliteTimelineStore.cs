using CrmChatbot.Common;
using CrmChatbot.Storage.Timeline;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// Timeline entries in the embedded store: table <c>timeline</c>, one row per entry (the entry as JSON, its
/// entity key, time and version as columns), indexed by entity, newest first.
/// </summary>
public sealed class SqliteTimelineStore : ITimelineStore
{
    private readonly SqliteStore _store;

    public SqliteTimelineStore(SqliteStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public Task AppendAsync(IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var rows = ToRows(entries);
        // One write on the store's writer thread: the entries commit together (with other queued writes).
        return _store.Writes.RunAsync(session => Insert(session, rows), cancellationToken);
    }

    public Task<Page<TimelineEntry>> ListAsync(
        string entityKind, string entityId, int limit, int offset, CancellationToken cancellationToken = default) =>
        ListAsync(entityKind, entityId, limit, offset, [], cancellationToken);

    public Task<Page<TimelineEntry>> ListAsync(
        string entityKind, string entityId, int limit, int offset, IReadOnlyCollection<string> excludedActions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(excludedActions);
        QueryRules.ValidatePaging(limit, offset);
        cancellationToken.ThrowIfCancellationRequested();
        var key = TimelineDocuments.KeyOf(entityKind, entityId);
        // The entity index narrows the rows to this entity's; the action is read from those rows' JSON only.
        var excluded = excludedActions.Count == 0
            ? ""
            : $" AND json_extract(doc, '$.{TimelineDocuments.Action}') NOT IN ({string.Join(", ", excludedActions.Select((_, i) => SqliteSession.ParameterName(i + 3)))})";
        var where = $"WHERE {TimelineDocuments.EntityKey} = @p0{excluded}";
        object?[] args = [key, limit, offset, .. excludedActions];
        var page = _store.ReadSnapshot(session =>
        {
            var total = (long)session.Scalar($"SELECT count(*) FROM {TimelineDocuments.Collection} {where}", args)!;
            var items = new List<TimelineEntry>();
            using var reader = session.Command(
                $"SELECT doc FROM {TimelineDocuments.Collection} {where} " +
                $"ORDER BY {TimelineDocuments.At} DESC, {TimelineDocuments.Version} DESC, id DESC LIMIT @p1 OFFSET @p2",
                args).ExecuteReader();
            while (reader.Read())
            {
                items.Add(SqliteJson.Deserialize<TimelineEntry>(reader.GetString(0)));
            }

            return new Page<TimelineEntry>(items, total, QueryRules.NextOffset(offset, limit, total));
        });
        return Task.FromResult(page);
    }

    /// <summary>
    /// Entries as the timeline table stores them (id, entity key, time, version, JSON without the snapshot), followed
    /// by the JSON the event outbox stores (with it).
    /// </summary>
    internal static IReadOnlyList<object?[]> ToRows(IReadOnlyList<TimelineEntry> entries) =>
        entries.Select(entry => new object?[]
        {
            entry.Id,
            TimelineDocuments.KeyOf(entry.EntityKind, entry.EntityId),
            SqliteJson.FormatDate(entry.At),
            entry.Version,
            SqliteJson.Serialize(entry.WithoutSnapshot()),
            SqliteJson.Serialize(entry),
        }).ToList();

    /// <summary>Stores timeline rows in the caller's write (also the write of an entity's change: both commit together).</summary>
    internal static int Insert(SqliteSession session, IReadOnlyList<object?[]> rows)
    {
        foreach (var row in rows)
        {
            // Entries are immutable: storing one again changes nothing.
            var inserted = session.Execute(
                $"INSERT INTO {TimelineDocuments.Collection} (id, {TimelineDocuments.EntityKey}, {TimelineDocuments.At}, {TimelineDocuments.Version}, doc) " +
                "VALUES (@p0, @p1, @p2, @p3, @p4) ON CONFLICT (id) DO NOTHING",
                row[..5]);
            if (inserted == 1)
            {
                // The change's event, in the same transaction: its sequence number is the commit order.
                SqliteEventOutbox.Insert(session, (string)row[0]!, (string)row[5]!);
            }
        }

        return rows.Count;
    }
}
