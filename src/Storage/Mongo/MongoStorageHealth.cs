using CrmChatbot.Common;

namespace CrmChatbot.Storage.Mongo;

/// <summary>Readiness of MongoDB: a ping. Throws <see cref="StorageUnavailableException"/> when it does not answer.</summary>
public sealed class MongoStorageHealth : IStorageHealth
{
    private readonly MongoStore _store;

    public MongoStorageHealth(MongoStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>"MongoDB host:port/database", without credentials.</summary>
    public string Describe() => _store.Description;

    public Task CheckAsync(CancellationToken cancellationToken = default) => _store.PingAsync(cancellationToken);
}
