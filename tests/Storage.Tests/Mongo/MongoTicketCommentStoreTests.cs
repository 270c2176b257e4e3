using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Tests.Conformance;
using CrmChatbot.Tickets;

namespace CrmChatbot.Storage.Tests.Mongo;

[Collection(MongoCollection.Name)]
public sealed class MongoTicketCommentStoreTests : TicketCommentStoreConformance, IAsyncLifetime
{
    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;

    public MongoTicketCommentStoreTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("comments");
        Comments = new MongoTicketCommentStore(_store);
    }

    protected override ITicketCommentStore Comments { get; }

    public Task InitializeAsync() => _store.EnsureIndexesAsync();

    public async Task DisposeAsync()
    {
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }
}
