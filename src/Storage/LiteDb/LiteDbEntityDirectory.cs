using CrmChatbot.Common;

namespace CrmChatbot.Storage.LiteDb;

public sealed class LiteDbEntityDirectory(LiteDbStore store) : IEntityDirectory
{
    public Task<bool> ExistsAsync(string collection, string id, CancellationToken cancellationToken = default) =>
        Task.Run(() => store.GetCollection(collection).Exists(LiteDB.Query.EQ("_id", id)), cancellationToken);
}
