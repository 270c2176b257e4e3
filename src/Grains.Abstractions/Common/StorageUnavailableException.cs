namespace CrmChatbot.Common;

/// <summary>
/// The store could not be reached or did not answer in time. Nothing was (or may have been)
/// written; the caller may retry. The API answers 503 with Retry-After.
/// </summary>
[GenerateSerializer, Alias("crm.storage-unavailable")]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
