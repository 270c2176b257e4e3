using CrmChatbot.Common;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Tests.Conformance;
using CrmChatbot.Storage.Timeline;
using CrmChatbot.Tickets;
using Microsoft.Extensions.Logging.Abstractions;

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
        Entities = new MongoEntityStore(new MongoGrainStorage(_store), new MongoTimelineStore(_store), NullLogger<MongoEntityStore>.Instance);
    }

    protected override ITicketCommentStore Comments { get; }

    protected override IEntityStore Entities { get; }

    public Task InitializeAsync() => _store.EnsureIndexesAsync();

    public async Task DisposeAsync()
    {
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }
}
