namespace CrmChatbot.Storage.LiteDb;

/// <summary>The LiteDB data directory is locked by another process (or another store in this process).</summary>
public sealed class DataDirectoryInUseException : IOException
{
    public DataDirectoryInUseException(string dataDirectory, string lockFile, Exception? innerException)
        : base(
            $"The CRM data directory '{dataDirectory}' is in use by another process: the lock file '{lockFile}' is held. " +
            "LiteDB allows only one process to open the database; stop the other instance or use another data directory.",
            innerException)
    {
        DataDirectory = dataDirectory;
        LockFile = lockFile;
    }

    public string DataDirectory { get; }

    public string LockFile { get; }
}
