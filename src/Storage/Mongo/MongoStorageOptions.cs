namespace CrmChatbot.Storage.Mongo;

/// <summary>Where and how to reach MongoDB. The connection string may carry credentials; they are never logged or shown.</summary>
public sealed record MongoStorageOptions
{
    /// <summary>A <c>mongodb://</c> or <c>mongodb+srv://</c> URL. Required.</summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>The database holding one collection per state name.</summary>
    public string DatabaseName { get; init; } = "crm_db";

    /// <summary>Time to open a TCP connection (and TLS/handshake) to a server.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time to find a suitable server (e.g. a primary) before an operation fails.</summary>
    public TimeSpan ServerSelectionTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Upper bound of one storage or query operation, server selection included; also the socket
    /// read/write timeout. When it elapses the operation fails with
    /// <see cref="Common.StorageUnavailableException"/>.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
