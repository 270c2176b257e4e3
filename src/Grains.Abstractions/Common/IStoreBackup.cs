namespace CrmChatbot.Common;

/// <summary>A consistent copy of the embedded store, taken while the service runs (registered by stores that can).</summary>
public interface IStoreBackup
{
    /// <summary>Writes a new backup file under the data directory's <c>backups</c> folder and describes it.</summary>
    Task<BackupFile> BackupAsync(CancellationToken cancellationToken = default);
}

/// <summary>A backup written: where, how large, when it was taken.</summary>
public sealed record BackupFile(string Path, long Bytes, DateTime TakenAt);
