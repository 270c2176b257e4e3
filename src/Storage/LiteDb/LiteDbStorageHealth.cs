using CrmChatbot.Common;

namespace CrmChatbot.Storage.LiteDb;

/// <summary>Readiness of the LiteDB store: a trivial query on the leads collection.</summary>
public sealed class LiteDbStorageHealth : IStorageHealth
{
    private readonly LiteDbStore _store;

    public LiteDbStorageHealth(LiteDbStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public string Describe() => _store.Description;

    public Task CheckAsync(CancellationToken cancellationToken = default) =>
        Task.Run(() => _store.GetCollection(StorageNames.Leads).Query().Limit(1).ToList(), cancellationToken);
}
