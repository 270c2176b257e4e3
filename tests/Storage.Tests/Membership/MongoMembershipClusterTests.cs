using CrmChatbot.Storage.Membership;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Tests.Mongo;
using Microsoft.Extensions.Configuration;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace CrmChatbot.Storage.Tests.Membership;

[Alias("CrmChatbot.Storage.Tests.Membership.IMembershipProbeGrain")]
public interface IMembershipProbeGrain : IGrainWithStringKey
{
    [Alias("Echo")]
    Task<string> Echo(string text);
}

public sealed class MembershipProbeGrain : Grain, IMembershipProbeGrain
{
    public Task<string> Echo(string text) => Task.FromResult($"{this.GetPrimaryKeyString()}:{text}");
}

/// <summary>
/// End to end: two TestCluster silos (TestCluster's own membership switched off) that find each other
/// ONLY through the Mongo membership table, and a client that finds them through the Mongo gateway list.
/// </summary>
[Collection(MongoCollection.Name)]
public sealed class MongoMembershipClusterTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // Silo and client configurators are created by type: the store they share is static. One test uses it.
    private static MongoStore? s_store;

    private readonly MongoServerFixture _fixture;

    public MongoMembershipClusterTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        s_store = fixture.NewStore("membership_cluster");
    }

    private static MongoStore Store => s_store!;

    [Fact]
    public async Task Two_silos_form_a_cluster_through_the_table_serve_calls_and_a_stopped_silo_is_marked_dead()
    {
        var builder = MongoClusterBuilder(2);
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        var table = new MongoMembershipTable(Store, cluster.Options.ClusterId);
        var silos = cluster.Silos.Select(s => s.SiloAddress).ToHashSet();
        Assert.Equal(2, silos.Count);

        var members = await WaitForAsync(table, rows => rows.Count(r => r.Status == SiloStatus.Active) == 2);
        Assert.Equal(silos, members.Where(r => r.Status == SiloStatus.Active).Select(r => r.SiloAddress).ToHashSet());

        var grain = cluster.Client.GetGrain<IMembershipProbeGrain>("probe");
        Assert.Equal("probe:hello", await grain.Echo("hello"));

        // Without TestCluster's membership there is no "primary" silo: stop either one.
        var stopped = cluster.Silos[1];
        var remaining = cluster.Silos[0].SiloAddress;
        await cluster.StopSiloAsync(stopped);

        var after = await WaitForAsync(table, rows => rows.Any(r => r.SiloAddress.Equals(stopped.SiloAddress) && r.Status == SiloStatus.Dead));
        Assert.Equal(SiloStatus.Active, after.Single(r => r.SiloAddress.Equals(remaining)).Status);

        // The cluster still serves calls on the remaining silo.
        Assert.Equal("other:still", await cluster.Client.GetGrain<IMembershipProbeGrain>("other").Echo("still"));
    }

    [Fact]
    public async Task A_silo_in_the_table_that_does_not_answer_probes_is_voted_dead_by_the_live_silos()
    {
        var builder = MongoClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<FastFailureDetection>();
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var table = new MongoMembershipTable(Store, cluster.Options.ClusterId);
        await WaitForAsync(table, rows => rows.Count(r => r.Status == SiloStatus.Active) == 2);

        // A crashed silo as the table sees it: active, recently alive, nothing listening on its port.
        // (TestCluster's KillSiloAsync still lets the in-process silo write its own death: not a crash.)
        var crashed = AbsentSilo(SiloStatus.Active, DateTime.UtcNow, DateTime.UtcNow);
        var version = (await table.ReadAllAsync()).Version;
        Assert.True(await table.InsertRowAsync(crashed, version.Next()));

        var live = cluster.Silos.Select(s => s.SiloAddress).ToHashSet();
        var rows = await WaitForAsync(table, rows => rows.Any(r => r.SiloAddress.Equals(crashed.SiloAddress) && r.Status == SiloStatus.Dead));
        var dead = rows.Single(r => r.SiloAddress.Equals(crashed.SiloAddress));
        Assert.Contains(dead.SuspectTimes ?? [], vote => live.Contains(vote.Item1));
        Assert.All(rows.Where(r => live.Contains(r.SiloAddress)), r => Assert.Equal(SiloStatus.Active, r.Status));
    }

    [Fact]
    public async Task With_the_production_cleanup_settings_Orleans_removes_a_long_dead_silo_row_through_the_table()
    {
        var builder = MongoClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<ProductionCleanup>();

        // A silo that died two days ago (past the one-day expiration), and one that died an hour ago (within it).
        var table = new MongoMembershipTable(Store, builder.Options.ClusterId);
        await table.InitializeMembershipTableAsync(true);
        var longDead = AbsentSilo(SiloStatus.Dead, DateTime.UtcNow.AddDays(-3), DateTime.UtcNow.AddDays(-2));
        var recentlyDead = AbsentSilo(SiloStatus.Dead, DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddHours(-1));
        foreach (var row in new[] { longDead, recentlyDead })
        {
            Assert.True(await table.InsertRowAsync(row, (await table.ReadAllAsync()).Version.Next()));
        }

        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        // The first active silo cleans up as soon as it sees the membership, then every period.
        var rows = await WaitForAsync(table, rows => rows.All(r => !r.SiloAddress.Equals(longDead.SiloAddress)));
        Assert.Contains(rows, r => r.SiloAddress.Equals(recentlyDead.SiloAddress) && r.Status == SiloStatus.Dead);
        Assert.Contains(rows, r => r.SiloAddress.Equals(cluster.Silos[0].SiloAddress) && r.Status == SiloStatus.Active);
    }

    /// <summary>Silos that find each other only through the Mongo table, and a client that finds their gateways there.</summary>
    private static TestClusterBuilder MongoClusterBuilder(short silos)
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.UseTestClusterMembership = false;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        return builder;
    }

    /// <summary>A row of a silo that is not running: nothing listens on its port.</summary>
    private static MembershipEntry AbsentSilo(SiloStatus status, DateTime started, DateTime lastAlive) => new()
    {
        SiloAddress = SiloAddress.New(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, CrmChatbot.TestSupport.TestPorts.Reserve()), SiloAddress.AllocateNewGeneration()),
        Status = status,
        HostName = "absent",
        SiloName = "absent",
        StartTime = started,
        IAmAliveTime = lastAlive,
        SuspectTimes = [],
    };

    private static async Task<List<MembershipEntry>> WaitForAsync(MongoMembershipTable table, Func<List<MembershipEntry>, bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var rows = (await table.ReadAllAsync()).Members.Select(m => m.Item1).ToList();
            if (condition(rows) || DateTime.UtcNow > deadline)
            {
                Assert.True(condition(rows), "Rows: " + string.Join(", ", rows.Select(r => $"{r.SiloAddress}={r.Status}")));
                return rows;
            }

            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        if (s_store is { } store)
        {
            _fixture.Server.TryDropDatabaseAsync(store.Options.DatabaseName).GetAwaiter().GetResult();
            store.Dispose();
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMongoCrmStorage(Store);
            siloBuilder.UseMongoClustering();
        }
    }

    private sealed class FastFailureDetection : ISiloConfigurator
    {
        // Orleans' defaults take tens of seconds (60 s table refresh) to declare a silo dead; a test needs a few.
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.Configure<Orleans.Configuration.ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        });
    }

    private sealed class ProductionCleanup : ISiloConfigurator
    {
        // SiloHost's defaults (MEMBERSHIP_CLEANUP_PERIOD_MINUTES=60, MEMBERSHIP_DEFUNCT_SILO_HOURS=24).
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.ConfigureDefunctSiloCleanup(TimeSpan.FromHours(1), TimeSpan.FromDays(1));
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) => clientBuilder.UseMongoClustering(Store);
    }
}
