using CrmChatbot.Common;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>Whether an entity's row exists (a point lookup on the collection's id index).</summary>
public sealed class SqliteEntityDirectory(SqliteStore store) : IEntityDirectory
{
    public Task<bool> ExistsAsync(string collection, string id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var layout = store.Layout(collection, typeof(object));
        return Task.FromResult(store.Read(session => session.Scalar($"SELECT 1 FROM {layout.Table} WHERE id = @p0", id)) is not null);
    }
}

/// <summary>Readiness of the SQLite store: a trivial query on a reader connection.</summary>
public sealed class SqliteStorageHealth(SqliteStore store) : IStorageHealth
{
    public string Describe() => store.Description;

    public Task CheckAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        store.Read(session => session.Scalar("SELECT count(*) FROM crm_schema"));
        return Task.CompletedTask;
    }
}
