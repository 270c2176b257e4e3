using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Tests.Conformance;
using CrmChatbot.Webhooks;

namespace CrmChatbot.Storage.Tests.Mongo;

[Collection(MongoCollection.Name)]
public sealed class MongoWebhookQueueTests : WebhookQueueConformance, IAsyncLifetime
{
    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;

    public MongoWebhookQueueTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("webhookqueue");
        Queue = new MongoWebhookQueue(_store);
    }

    protected override IWebhookQueue Queue { get; }

    public Task InitializeAsync() => _store.EnsureIndexesAsync();

    public async Task DisposeAsync()
    {
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }
}
