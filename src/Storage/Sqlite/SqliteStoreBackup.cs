using System.Globalization;
using CrmChatbot.Common;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>Backups of the SQLite store into <c>DATA_DIR/backups/crm-&lt;UTC time&gt;.db</c> (see <see cref="SqliteStore.BackupTo"/>).</summary>
public sealed class SqliteStoreBackup(SqliteStore store, TimeProvider clock) : IStoreBackup
{
    public const string Folder = "backups";

    public Task<BackupFile> BackupAsync(CancellationToken cancellationToken = default)
    {
        var directory = store.DataDirectory ?? throw new InvalidOperationException("An in-memory store has nothing to back up.");
        // VACUUM INTO reads the whole database: off the request thread.
        return Task.Run(
            () =>
            {
                var taken = clock.GetUtcNow().UtcDateTime;
                var name = string.Create(CultureInfo.InvariantCulture, $"crm-{taken:yyyyMMdd-HHmmss-fff}-{Guid.NewGuid().ToString("N")[..6]}.db");
                var path = Path.Combine(directory, Folder, name);
                store.BackupTo(path);
                return new BackupFile(path, new FileInfo(path).Length, taken);
            },
            cancellationToken);
    }
}
