using CrmChatbot.Storage.Queries;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Tests.Conformance;
using CrmChatbot.Users;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Mongo;

[Collection(MongoCollection.Name)]
public sealed class MongoGrainStorageTests : GrainStorageConformance, IAsyncLifetime
{
    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;

    public MongoGrainStorageTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("grains");
        Storage = new MongoGrainStorage(_store);
    }

    protected override IGrainStorage Storage { get; }

    public Task InitializeAsync() => _store.EnsureIndexesAsync();

    public async Task DisposeAsync()
    {
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }
}

[Collection(MongoCollection.Name)]
public sealed class MongoLeadQueryTests : LeadQueryConformance
{
    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;

    public MongoLeadQueryTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("leads");
        Storage = new MongoGrainStorage(_store);
        Queries = new LeadQueries(new MongoDocumentQueries(_store));
    }

    protected override IGrainStorage Storage { get; }

    protected override ILeadQueries Queries { get; }

    public override async Task InitializeAsync()
    {
        await _store.EnsureIndexesAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }
}

[Collection(MongoCollection.Name)]
public sealed class MongoUserQueryTests : UserQueryConformance
{
    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;

    public MongoUserQueryTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("users");
        Storage = new MongoGrainStorage(_store);
        Queries = new UserQueries(new MongoDocumentQueries(_store));
    }

    protected override IGrainStorage Storage { get; }

    protected override IUserQueries Queries { get; }

    public override async Task InitializeAsync()
    {
        await _store.EnsureIndexesAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }
}
