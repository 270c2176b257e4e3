using CrmChatbot.Storage.Queries;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Users;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Mongo;

/// <summary>An unreachable server: every operation fails fast with StorageUnavailableException.</summary>
public sealed class MongoUnavailableTests : IDisposable
{
    // Well under the driver's 30 s default, with room for a loaded 2-core CI machine.
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(20);

    private readonly MongoStore _store;

    public MongoUnavailableTests()
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
        "read", "insert", "update", "clear", "lead list", "user list", "user by id", "ping", "indexes",
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Fails_quickly_with_StorageUnavailableException(string operation)
    {
        var storage = new MongoGrainStorage(_store);
        var id = GrainId.Create("lead", "x");
        Func<Task> act = operation switch
        {
            "read" => () => storage.ReadStateAsync(StorageNames.Leads, id, new GrainState<LeadState>()),
            "insert" => () => storage.WriteStateAsync(StorageNames.Leads, id, new GrainState<LeadState>(Samples.Lead())),
            "update" => () => storage.WriteStateAsync(StorageNames.Leads, id, new GrainState<LeadState>(Samples.Lead()) { ETag = "e" }),
            "clear" => () => storage.ClearStateAsync(StorageNames.Leads, id, new GrainState<LeadState>(Samples.Lead()) { ETag = "e" }),
            "lead list" => () => new LeadQueries(new MongoDocumentQueries(_store)).ListAsync(new LeadListQuery { Text = "a" }),
            "user list" => () => new UserQueries(new MongoDocumentQueries(_store)).ListAsync(new UserListQuery()),
            "user by id" => () => new UserQueries(new MongoDocumentQueries(_store)).FindByIdAsync("u"),
            "ping" => () => new MongoStorageHealth(_store).CheckAsync(),
            "indexes" => () => _store.EnsureIndexesAsync(),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };

        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<StorageUnavailableException>(act);
        clock.Stop();

        Assert.True(clock.Elapsed < Quick, $"took {clock.Elapsed}");
        Assert.NotNull(e.InnerException);
        Assert.Contains("127.0.0.1", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("crm:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancellation_by_the_caller_stays_a_cancellation()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new MongoStorageHealth(_store).CheckAsync(cts.Token));
    }

    [Fact]
    public void Classifies_driver_failures_in_one_place()
    {
        Assert.True(MongoFailures.IsUnavailable(new TimeoutException()));
        Assert.True(MongoFailures.IsUnavailable(new SocketException()));
        Assert.True(MongoFailures.IsUnavailable(new AggregateException(new TimeoutException())));
        Assert.False(MongoFailures.IsUnavailable(new InconsistentStateException("x", "a", "b")));
        Assert.False(MongoFailures.IsUnavailable(new InvalidOperationException()));
        Assert.False(MongoFailures.IsUnavailable(new FormatException()));
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
