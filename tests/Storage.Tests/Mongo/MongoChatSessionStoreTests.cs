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

    [Fact]
    public async Task Rows_left_in_the_sessions_outbox_by_a_silo_that_died_after_the_write_are_appended_on_the_next_read()
    {
        var id = Guid.NewGuid().ToString();
        var grainId = GrainId.Create("chat", id);
        var archived = new ChatMessage { Id = Guid.NewGuid().ToString(), Role = ChatRole.User, Text = "kept in the outbox", At = DateTime.UtcNow };
        var session = new ChatSessionState
        {
            Version = 4,
            MessageCount = 2,
            Messages = [new ChatMessage { Id = Guid.NewGuid().ToString(), Text = "recent" }],
            PendingArchive = [new ArchivedChatMessage { SessionId = id, Seq = 1, Message = archived }],
        };
        // The session's write stored its outbox; the append after it never ran.
        await new MongoGrainStorage(_store).WriteStateAsync(ChatStorage.Sessions, grainId, new Orleans.GrainState<ChatSessionState>(session));
        Assert.Empty(await Sessions.ReadArchiveTailAsync(id, 500));

        var read = new Orleans.GrainState<ChatSessionState>(new ChatSessionState());
        await Sessions.ReadAsync(grainId, read);

        Assert.Empty(read.State.PendingArchive);
        Assert.Equal(["kept in the outbox"], (await Sessions.ReadArchiveTailAsync(id, 500)).Select(m => m.Text));
        await Sessions.ReadAsync(grainId, read); // appended again (the document still holds it): no second row
        Assert.Single(await Sessions.ReadArchiveTailAsync(id, 500));
    }

    private static MongoChatSessionStore Over(MongoStore store)
    {
        var timeline = new MongoTimelineStore(store);
        var entities = new MongoEntityStore(new MongoGrainStorage(store), timeline, NullLogger<MongoEntityStore>.Instance);
        return new MongoChatSessionStore(store, new MongoGrainStorage(store), entities, NullLogger<MongoChatSessionStore>.Instance);
    }

    public Task InitializeAsync() => _store.EnsureIndexesAsync();

    public async Task DisposeAsync()
    {
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }
}
