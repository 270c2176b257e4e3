using CrmChatbot.Chat;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Tests.Conformance;
using CrmChatbot.Storage.Timeline;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Tests.Mongo;

[Collection(MongoCollection.Name)]
public sealed class MongoChatSessionStoreTests : ChatSessionStoreConformance, IAsyncLifetime
{
    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;

    public MongoChatSessionStoreTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("chat");
        Sessions = Over(_store);
    }

    protected override IChatSessionStore Sessions { get; }

    protected override async Task<IChatSessionStore> UpgradeFromLegacyAsync(GrainId grainId, ChatSessionState session, ChatTranscriptState archive)
    {
        var storage = new MongoGrainStorage(_store);
        await storage.WriteStateAsync(ChatStorage.Sessions, grainId, new Orleans.GrainState<ChatSessionState>(session));
        await storage.WriteStateAsync(ChatStorage.LegacyTranscripts, grainId, new Orleans.GrainState<ChatTranscriptState>(archive));
        // A new process: nothing cached from before; the archive moves on the session's next read (activation).
        var upgraded = Over(_store);
        var check = new Orleans.GrainState<ChatSessionState>(new ChatSessionState());
        await upgraded.ReadAsync(grainId, check);
        Assert.Equal(0, await _store.GetCollection(ChatStorage.LegacyTranscripts).CountDocumentsAsync(new BsonDocument()));
        return upgraded;
    }

    protected override Orleans.Storage.IGrainStorage Documents => new MongoGrainStorage(_store);

    private static MongoChatSessionStore Over(MongoStore store)
    {
        var messages = new MongoChatMessages(store);
        var entities = new MongoEntityStore(
            new MongoGrainStorage(store), new MongoTimelineStore(store), new AppendOnlyCollections().Add(messages), NullLogger<MongoEntityStore>.Instance);
        return new MongoChatSessionStore(new MongoGrainStorage(store), entities, messages);
    }

    public Task InitializeAsync() => _store.EnsureIndexesAsync();

    public async Task DisposeAsync()
    {
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }
}
