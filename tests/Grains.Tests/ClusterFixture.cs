using CrmChatbot.Common;
using CrmChatbot.Storage.Sqlite;
using CrmChatbot.Storage.Reminders;
using CrmChatbot.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.TestingHost;

namespace CrmChatbot.Grains.Tests;

/// <summary>
/// A two-silo TestCluster. Both silos persist into ONE in-memory SQLite store, as two silos
/// would share one database file or server: a grain reactivated on either silo sees its state.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    internal static readonly SqliteStore SharedStore = SqliteStore.CreateInMemory();

    public TestCluster Cluster { get; } = new TestClusterBuilder(2)
        .AddSiloBuilderConfigurator<SiloConfigurator>()
        .Build();

    public IGrainFactory Grains => Cluster.GrainFactory;

    public SqliteStore Store => SharedStore;

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Deactivates every grain, so the next call reloads state from the store.</summary>
    public async Task DeactivateAllAsync()
    {
        var management = Grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            // Before AddCrmGrains (TryAdd): ticket SLA tests move this clock; it is real time otherwise.
            siloBuilder.Services.AddSingleton<TimeProvider>(Tickets.TestClock.Shared);
            siloBuilder.Services.AddSqliteCrmStorage(SharedStore);
            siloBuilder.Services.AddSqliteCrmReminders();
            siloBuilder.Services.AddCrmGrains();
            // Each silo's live chat clients, recorded (the API's SignalR hub in production).
            siloBuilder.Services.AddSingleton<CrmChatbot.Chat.IChatLiveClients, Chat.Broadcast.RecordingChatLiveClients>();
            siloBuilder.Services.AddSingleton<CrmChatbot.Chat.IUserAccountWatcher, Chat.Broadcast.RecordingUserAccountWatcher>();
            siloBuilder.Services.TryAddSingleton<CrmChatbot.Chat.Dialogue.IDialogueManager, CrmChatbot.Chat.Sessions.Testing.EchoDialogueManager>(); // the real assistant wins when registered
            // Long conversations are tested here; the per-minute limit has its own tests (rules and HTTP).
            siloBuilder.Services.Configure<CrmChatbot.Chat.ChatSessionOptions>(o => o.MessagesPerMinute = 100_000);
            siloBuilder.Services.Configure<LoginThrottleOptions>(o =>
            {
                o.MaxFailures = 3;
                o.Window = TimeSpan.FromMinutes(5);
            });
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
