using CrmChatbot.Common;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Tests.Conformance;
using CrmChatbot.Storage.Timeline;
using CrmChatbot.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrmChatbot.Storage.Tests.Mongo;

[Collection(MongoCollection.Name)]
public sealed class MongoEventOutboxTests : EventOutboxConformance, IAsyncLifetime
{
    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;
    private readonly MongoTimelineStore _timeline;

    public MongoEventOutboxTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("outbox");
        _timeline = new MongoTimelineStore(_store);
        Entities = new MongoEntityStore(new MongoGrainStorage(_store), _timeline, NullLogger<MongoEntityStore>.Instance);
    }

    protected override IEntityStore Entities { get; }

    protected override ITimelineStore Timeline => _timeline;

    protected override IEventOutbox Outbox => _timeline;

    public Task InitializeAsync() => _store.EnsureIndexesAsync();

    public async Task DisposeAsync()
    {
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }
}
