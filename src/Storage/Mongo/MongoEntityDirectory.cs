using CrmChatbot.Common;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrmChatbot.Storage.Mongo;

public sealed class MongoEntityDirectory(MongoStore store) : IEntityDirectory
{
    public async Task<bool> ExistsAsync(string collection, string id, CancellationToken cancellationToken = default) =>
        await store.RunAsync(
            "check existence",
            ct => store.GetCollection(collection).Find(new BsonDocument("_id", id)).Limit(1).CountDocumentsAsync(ct),
            cancellationToken) > 0;
}
