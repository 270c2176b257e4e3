using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CrmChatbot.Common;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Reminders;
using CrmChatbot.Storage.Tests.Conformance;
using CrmChatbot.Storage.Tests.Reminders;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace CrmChatbot.Storage.Tests.Mongo;

/// <summary>The reminder-table contract on MongoDB (a fresh database per test instance), plus the Mongo-specific layout.</summary>
[Collection(MongoCollection.Name)]
public sealed class MongoReminderTableTests : ReminderTableConformance, IAsyncLifetime
{
    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;
    private readonly MongoReminderTable _table;

    public MongoReminderTableTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("reminders");
        _table = new MongoReminderTable(_store);
    }

    protected override IReminderTable Table => _table;

    public Task InitializeAsync() => _table.Init();

    public async Task DisposeAsync()
    {
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }

    private IMongoCollection<BsonDocument> Raw => _store.GetCollection(ReminderFields.Collection);

    [Fact]
    public async Task Documents_have_the_shared_layout_with_native_bson_types()
    {
        var grain = GrainId.Create("lead", "lead-7");
        var entry = Entry(grain, "a/b%c", T0, TimeSpan.FromMilliseconds(1500));
        var etag = await UpsertAsync(entry);

        var doc = Assert.Single(await Raw.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync());

        Assert.Equal(
            ["_id", "etag", "grain_hash", "grain_id", "period_ticks", "reminder_name", "start_at"],
            doc.Names.OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal("lead/lead-7/a%2Fb%25c", doc["_id"].AsString);
        Assert.Equal("lead/lead-7", doc["grain_id"].AsString);
        Assert.Equal("a/b%c", doc["reminder_name"].AsString);
        Assert.IsType<BsonInt64>(doc["grain_hash"]);
        Assert.Equal((long)grain.GetUniformHashCode(), doc["grain_hash"].AsInt64);
        Assert.IsType<BsonDateTime>(doc["start_at"]);
        Assert.Equal(T0, doc["start_at"].ToUniversalTime());
        Assert.IsType<BsonInt64>(doc["period_ticks"]);
        Assert.Equal(TimeSpan.FromMilliseconds(1500).Ticks, doc["period_ticks"].AsInt64);
        Assert.Equal(etag, doc["etag"].AsString);
    }

    [Fact]
    public async Task Hash_is_stored_unsigned_and_ranges_above_int_max_compare_unsigned()
    {
        // Grains on both halves of the ring: a hash >= 2^31 must be stored positive and sort above one < 2^31.
        GrainId high = default, low = default;
        while (high.IsDefault || low.IsDefault)
        {
            var g = NewGrain();
            if (g.GetUniformHashCode() >= 0x8000_0000u)
            {
                high = g;
            }
            else
            {
                low = g;
            }
        }

        await UpsertAsync(Entry(high, "h"));
        await UpsertAsync(Entry(low, "l"));

        var stored = await Raw.Find(Builders<BsonDocument>.Filter.Eq(ReminderFields.GrainId, high.ToString())).SingleAsync();
        Assert.Equal((long)high.GetUniformHashCode(), stored[ReminderFields.GrainHash].AsInt64);
        Assert.True(stored[ReminderFields.GrainHash].AsInt64 >= 0x8000_0000L);

        var upper = await Table.ReadRows(0x7FFF_FFFFu, uint.MaxValue);
        Assert.Contains(upper.Reminders, r => r.GrainId == high);
        Assert.DoesNotContain(upper.Reminders, r => r.GrainId == low);
        var lower = await Table.ReadRows(uint.MaxValue, 0x7FFF_FFFFu);
        Assert.Contains(lower.Reminders, r => r.GrainId == low);
        Assert.DoesNotContain(lower.Reminders, r => r.GrainId == high);
    }

    [Fact]
    public async Task Init_creates_the_indexes_and_a_second_call_is_a_no_op()
    {
        var first = await IndexesAsync();
        await _table.Init();
        await _table.StartAsync(CancellationToken.None);

        Assert.Equal(first, await IndexesAsync());
        Assert.Contains(("grain_hash", "{ \"grain_hash\" : 1 }"), first);
        Assert.Contains(("grain_id", "{ \"grain_id\" : 1 }"), first);
    }

    [Fact]
    public async Task A_row_written_by_another_table_instance_on_the_same_database_is_read_and_removed()
    {
        // Two silos share one database: each has its own table (and client).
        using var otherStore = new MongoStore(_store.Options);
        var other = new MongoReminderTable(otherStore);
        var grain = NewGrain();
        var entry = Entry(grain, "shared", T0, TimeSpan.FromMinutes(5));

        var etag = (await other.UpsertRow(entry))!;

        AssertSame(entry, etag, await Table.ReadRow(grain, "shared"));
        Assert.True(await Table.RemoveRow(grain, "shared", etag));
        Assert.Null(await other.ReadRow(grain, "shared"));
    }

    [Fact]
    public async Task A_null_etag_never_removes()
    {
        var grain = NewGrain();
        await UpsertAsync(Entry(grain, "r"));

        Assert.False(await Table.RemoveRow(grain, "r", null!));
        Assert.NotNull(await Table.ReadRow(grain, "r"));
    }

    private async Task<List<(string Name, string Keys)>> IndexesAsync()
    {
        var cursor = await Raw.Indexes.ListAsync();
        return (await cursor.ToListAsync())
            .Select(i => (i["name"].AsString, i["key"].AsBsonDocument.ToJson()))
            .OrderBy(i => i.Item1, StringComparer.Ordinal)
            .ToList();
    }
}

/// <summary>An unreachable server: every reminder operation fails fast with StorageUnavailableException.</summary>
public sealed class MongoReminderTableUnavailableTests : IDisposable
{
    // Well under the driver's 30 s default, with room for a loaded 2-core CI machine.
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(20);

    private readonly MongoStore _store;

    public MongoReminderTableUnavailableTests()
    {
        _store = new MongoStore(new MongoStorageOptions
        {
            ConnectionString = $"mongodb://crm:s3cret-pw@127.0.0.1:{ClosedPort()}/?authSource=admin",
            DatabaseName = "unreachable",
            ConnectTimeout = TimeSpan.FromSeconds(1),
            ServerSelectionTimeout = TimeSpan.FromSeconds(1),
            OperationTimeout = TimeSpan.FromSeconds(2),
        });
    }

    public void Dispose() => _store.Dispose();

    public static TheoryData<string> Operations => new()
    {
        "init", "read row", "read grain", "read range", "read wrapped range", "upsert", "remove", "clear",
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Fails_quickly_with_StorageUnavailableException(string operation)
    {
        var table = new MongoReminderTable(_store);
        var grain = GrainId.Create("lead", "x");
        Func<Task> act = operation switch
        {
            "init" => () => table.Init(),
            "read row" => () => table.ReadRow(grain, "r"),
            "read grain" => () => table.ReadRows(grain),
            "read range" => () => table.ReadRows(10u, 20u),
            "read wrapped range" => () => table.ReadRows(20u, 10u),
            "upsert" => () => table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(1) }),
            "remove" => () => table.RemoveRow(grain, "r", "etag"),
            "clear" => () => table.TestOnlyClearTable(),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };

        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<StorageUnavailableException>(act);
        clock.Stop();

        Assert.True(clock.Elapsed < Quick, $"took {clock.Elapsed}");
        Assert.NotNull(e.InnerException);
        Assert.Contains("127.0.0.1", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

[Collection(MongoCollection.Name)]
public sealed class MongoReminderRegistrationTests
{
    private readonly MongoServerFixture _fixture;

    public MongoReminderRegistrationTests(MongoServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task AddMongoCrmReminders_registers_the_mongo_table_over_the_registered_store_replacing_any_other()
    {
        using var store = _fixture.NewStore("reminders_di");
        var services = new ServiceCollection()
            .AddMongoCrmStorage(store)
            .AddCrmReminderTable(_ => throw new InvalidOperationException("replaced"))
            .AddMongoCrmReminders();
        await using var provider = services.BuildServiceProvider();

        var table = Assert.IsType<MongoReminderTable>(Assert.Single(provider.GetServices<IReminderTable>()));
        await table.Init();
        var grain = GrainId.Create("lead", "di");
        var etag = await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(1) });
        Assert.Equal(etag, (await new MongoReminderTable(store).ReadRow(grain, "r"))!.ETag);
        await _fixture.Server.TryDropDatabaseAsync(store.Options.DatabaseName);
    }
}

/// <summary>
/// End to end, like <see cref="ReminderClusterTests"/> for SQLite: a silo configured with
/// <c>AddMongoCrmStorage</c> + <c>AddMongoCrmReminders</c> stores a registered reminder in the Mongo
/// <c>reminders</c> collection and fires it; a NEW cluster over the same database finds it by range
/// read and fires it without the grain being called first.
/// </summary>
[Collection(MongoCollection.Name)]
public sealed class MongoReminderClusterTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Silo configurators are created by type: the store they share is static. One test uses it.
    private static MongoStore? s_store;

    private readonly MongoServerFixture _fixture;

    public MongoReminderClusterTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        s_store = fixture.NewStore("reminders_cluster");
    }

    private static MongoStore Store => s_store!;

    [Fact]
    public async Task A_registered_reminder_is_stored_fires_and_survives_a_restart()
    {
        var key = "probe-" + Guid.NewGuid().ToString("N");
        var grainId = GrainId.Create("reminderprobe", key);
        var reminders = Store.GetCollection(ReminderFields.Collection);
        var byGrain = Builders<BsonDocument>.Filter.Eq(ReminderFields.GrainId, grainId.ToString());

        await using (var cluster = await StartClusterAsync())
        {
            var firstTick = ReminderProbeGrain.NextTick(key, "ping");
            await cluster.GrainFactory.GetGrain<IReminderProbeGrain>(key).Register("ping", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

            var doc = await reminders.Find(byGrain).SingleAsync();
            Assert.Equal("ping", doc[ReminderFields.ReminderName].AsString);
            Assert.Equal(TimeSpan.FromSeconds(2).Ticks, doc[ReminderFields.PeriodTicks].AsInt64);
            Assert.Equal((long)grainId.GetUniformHashCode(), doc[ReminderFields.GrainHash].AsInt64);

            await firstTick.WaitAsync(Timeout);

            // The reminder service started the table: its indexes exist.
            var indexes = await (await reminders.Indexes.ListAsync()).ToListAsync();
            Assert.Contains(indexes, i => i["name"].AsString == ReminderFields.GrainHash);
            Assert.Contains(indexes, i => i["name"].AsString == ReminderFields.GrainId);
        }

        Assert.Equal(1, await reminders.CountDocumentsAsync(byGrain));
        await using (var cluster = await StartClusterAsync())
        {
            await ReminderProbeGrain.NextTick(key, "ping").WaitAsync(Timeout);

            var grain = cluster.GrainFactory.GetGrain<IReminderProbeGrain>(key);
            Assert.True(await grain.Exists("ping"));
            await grain.Unregister("ping");
            Assert.False(await grain.Exists("ping"));
            Assert.Equal(0, await reminders.CountDocumentsAsync(byGrain));
        }
    }

    private static async Task<TestCluster> StartClusterAsync()
    {
        var cluster = new TestClusterBuilder(1).AddSiloBuilderConfigurator<SiloConfigurator>().Build();
        await cluster.DeployAsync();
        return cluster;
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
            siloBuilder.AddMongoCrmReminders();

            // Orleans' default minimum period is 1 minute; a test needs ticks within seconds.
            siloBuilder.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        }
    }
}
