using CrmChatbot.Common;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Tests.Conformance;
using CrmChatbot.Storage.Timeline;

namespace CrmChatbot.Storage.Tests.Mongo;

[Collection(MongoCollection.Name)]
public sealed class MongoTimelineStoreTests : TimelineStoreConformance, IAsyncLifetime
{
    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;

    public MongoTimelineStoreTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("timeline");
        Store = new MongoTimelineStore(_store);
    }

    protected override ITimelineStore Store { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }
}
