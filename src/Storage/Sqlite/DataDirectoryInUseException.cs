namespace CrmChatbot.Storage;

/// <summary>The data directory is locked by another process (or another store in this process).</summary>
public sealed class DataDirectoryInUseException : IOException
{
    public DataDirectoryInUseException(string dataDirectory, string lockFile, Exception? innerException)
        : base(
            $"The CRM data directory '{dataDirectory}' is in use by another process: the lock file '{lockFile}' is held. " +
            "Only one process may open the database; stop the other instance or use another data directory.",
            innerException)
    {
        DataDirectory = dataDirectory;
        LockFile = lockFile;
    }

    public string DataDirectory { get; }

    public string LockFile { get; }
}

/// <summary>The data directory holds a <c>crm.db</c> that is not a SQLite database (a LiteDB file of an earlier version).</summary>
public sealed class NotASqliteDatabaseException : IOException
{
    public NotASqliteDatabaseException(string file)
        : base(
            $"'{file}' is not a SQLite database (it looks like a LiteDB file from an earlier version of the service); " +
            "nothing was changed. Move it away or point DATA_DIR at another directory.")
    {
        FilePath = file;
    }

    public string FilePath { get; }
}
