using CrmChatbot.Api.Configuration;
using CrmChatbot.Storage.Sqlite;

namespace CrmChatbot.Silo;

/// <summary>
/// <c>backup FILE</c>: a consistent copy of <c>DATA_DIR/crm.db</c> into FILE, also while the service runs (a
/// read-only connection beside it; SQLite's WAL lets it read the last committed state). Restore: stop the
/// service and put the file in place as <c>DATA_DIR/crm.db</c> (removing crm.db-wal and crm.db-shm).
/// </summary>
public static class BackupCommand
{
    public static int Run(CrmSettings settings, string? file, TextWriter output, TextWriter error)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            error.WriteLine("usage: backup FILE (a new file for the copy of DATA_DIR/crm.db)");
            return 2;
        }

        if (settings.MongoUrl is not null)
        {
            error.WriteLine("error: MONGO_URL is set: the data is in MongoDB; back it up with mongodump");
            return 1;
        }

        try
        {
            SqliteStore.BackupDirectory(settings.DataDir, file);
            output.WriteLine($"backup of {Path.Combine(settings.DataDir, SqliteStore.DatabaseFileName)} written to {Path.GetFullPath(file)} ({new FileInfo(file).Length:N0} bytes)");
            return 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            error.WriteLine($"error: backup of DATA_DIR {settings.DataDir}: {ex.Message.Split('\n')[0]}");
            return 1;
        }
    }
}
