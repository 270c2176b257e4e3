using CrmChatbot.Common;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Tests.Conformance;
using CrmChatbot.Storage.Timeline;
using CrmChatbot.Tickets;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Mongo;

[Collection(MongoCollection.Name)]
public sealed class MongoEntityRowsTests : EntityRowsConformance, IAsyncLifetime
{
    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;

    public MongoEntityRowsTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("rows");
        Comments = new MongoTicketCommentStore(_store);
        Timeline = new MongoTimelineStore(_store);
        Entities = Over(Comments);
        EntitiesWithFailingComments = Over(new UnavailableComments());
    }

    protected override IEntityStore Entities { get; }

    protected override IEntityStore EntitiesWithFailingComments { get; }

    protected override ITicketCommentStore Comments { get; }

    protected override ITimelineStore Timeline { get; }

    protected override IGrainStorage Documents => new MongoGrainStorage(_store);

    protected override bool WritesRowsInTheStatesTransaction => false;

    private MongoEntityStore Over(IAppendOnlyRows<TicketComment> comments) => new(
        new MongoGrainStorage(_store), Timeline, new AppendOnlyCollections().Add(comments), NullLogger<MongoEntityStore>.Instance);

    public Task InitializeAsync() => _store.EnsureIndexesAsync();

    public async Task DisposeAsync()
    {
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }

    /// <summary>The comment collection during an outage (as <see cref="MongoStore.RunAsync{T}"/> reports it).</summary>
    private sealed class UnavailableComments : IAppendOnlyRows<TicketComment>
    {
        public Task AppendAsync(IReadOnlyList<TicketComment> rows, CancellationToken cancellationToken = default) =>
            throw new StorageUnavailableException("MongoDB is unavailable: append ticket comment failed because the connection to the server failed.");
    }
}
