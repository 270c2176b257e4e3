using CrmChatbot.Storage.Membership;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Tests.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Tests.Membership;

/// <summary>The membership-table contract on MongoDB (a fresh database per test instance), plus the Mongo-specific layout.</summary>
[Collection(MongoCollection.Name)]
public sealed class MongoMembershipTableTests : MembershipTableConformance, IAsyncLifetime
{
    private const string Cluster = "test-cluster";

    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;
    private readonly MongoMembershipTable _table;

    public MongoMembershipTableTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("membership");
        _table = new MongoMembershipTable(_store, Cluster);
    }

    protected override IMembershipTable Table => _table;

    protected override string ClusterId => Cluster;

    public Task InitializeAsync() => _table.InitializeMembershipTableAsync(true);

    public async Task DisposeAsync()
    {
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }

    private IMongoCollection<BsonDocument> Raw => _store.GetCollection(MembershipDocument.Collection);

    [Fact]
    public async Task One_document_per_cluster_holds_the_version_and_the_rows_in_native_bson_types()
    {
        var entry = Entry(status: SiloStatus.Active);
        entry.SuspectTimes = [Tuple.Create(NewSilo(), T0.AddSeconds(2))];
        var rowETag = await InsertAsync(entry);

        var doc = Assert.Single(await Raw.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync());
        Assert.Equal(["_id", "etag", "silos", "version"], doc.Names.OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(Cluster, doc["_id"].AsString);
        Assert.Equal(1L, doc["version"].ToInt64());

        var key = entry.SiloAddress.ToParsableString().Replace('.', '_');
        var row = doc["silos"][key].AsBsonDocument;
        Assert.Equal(entry.SiloAddress.ToParsableString(), row["address"].AsString);
        Assert.Equal(rowETag, row["etag"].AsString);
        Assert.Equal("active", row["status"].AsString);
        Assert.IsType<BsonDateTime>(row["start_time"]);
        Assert.IsType<BsonDateTime>(row["i_am_alive"]);
        Assert.Equal(T0, row["i_am_alive"].ToUniversalTime());
        Assert.Equal(entry.ProxyPort, row["proxy_port"].AsInt32);
        var suspect = Assert.Single(row["suspect_times"].AsBsonArray).AsBsonDocument;
        Assert.Equal(entry.SuspectTimes[0].Item1.ToParsableString(), suspect["silo"].AsString);
        Assert.Equal(T0.AddSeconds(2), suspect["at"].ToUniversalTime());
    }

    [Fact]
    public async Task Status_names_are_snake_case_and_round_trip()
    {
        foreach (var status in Enum.GetValues<SiloStatus>())
        {
            Assert.Equal(status, MembershipDocument.ParseStatus(MembershipDocument.StatusName(status)));
        }

        Assert.Equal("shutting_down", MembershipDocument.StatusName(SiloStatus.ShuttingDown));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Clusters_are_separate_documents_and_deleting_one_leaves_the_other()
    {
        var other = new MongoMembershipTable(_store, "other-cluster");
        await other.InitializeMembershipTableAsync(true);
        var version = (await other.ReadAllAsync()).Version;
        Assert.True(await other.InsertRowAsync(Entry(), version.Next()));
        await InsertAsync(Entry());

        await _table.DeleteMembershipTableEntriesAsync(Cluster);

        Assert.Empty((await _table.ReadAllAsync()).Members);
        Assert.Single((await other.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task A_cluster_without_a_document_reads_empty_and_refuses_writes()
    {
        var absent = new MongoMembershipTable(_store, "never-initialized");

        var table = await absent.ReadAllAsync();
        Assert.Empty(table.Members);
        Assert.Equal(0, table.Version.Version);
        Assert.False(await absent.InsertRowAsync(Entry(), table.Version.Next()));
        Assert.Equal(0, await Raw.CountDocumentsAsync(Builders<BsonDocument>.Filter.Eq("_id", "never-initialized")));
    }

    [Fact]
    public async Task The_gateway_list_is_the_gateway_endpoints_of_the_active_silos()
    {
        var active = Entry(status: SiloStatus.Active);
        var joining = Entry(status: SiloStatus.Joining);
        var dead = Entry(status: SiloStatus.Dead);
        var noGateway = Entry(status: SiloStatus.Active);
        noGateway.ProxyPort = 0;
        foreach (var entry in new[] { active, joining, dead, noGateway })
        {
            await InsertAsync(entry);
        }

        var provider = new MongoGatewayListProvider(_store, Cluster, TimeSpan.FromSeconds(30));
        await provider.InitializeGatewayListProvider();

        var gateway = Assert.Single(await provider.GetGateways());
        Assert.Equal(
            SiloAddress.New(new System.Net.IPEndPoint(active.SiloAddress.Endpoint.Address, active.ProxyPort), active.SiloAddress.Generation).ToGatewayUri(),
            gateway);
        Assert.True(provider.IsUpdatable);
        Assert.Equal(TimeSpan.FromSeconds(30), provider.MaxStaleness);
    }
}
