using CrmChatbot.Idempotency;
using CrmChatbot.Storage.Schemas;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>Deletes expired idempotency records: one indexed range delete on the writer (SQLite has no TTL).</summary>
public sealed class SqliteIdempotencyRecords(SqliteStore store) : IIdempotencyRecords
{
    public async Task<long> DeleteExpiredAsync(DateTime now, CancellationToken cancellationToken = default)
    {
        // The table has no search text or array index to maintain: deleting the rows is all there is.
        var layout = store.Layout(IdempotencyStorage.Records, typeof(IdempotencyState));
        var expiresAt = SqliteNames.Quote(IdempotencySchema.ExpiresAt);
        return await store.Writes.RunAsync(session =>
            session.Execute($"DELETE FROM {layout.Table} WHERE {expiresAt} <= @p0", SqliteJson.FormatDate(now))).ConfigureAwait(false);
    }
}
