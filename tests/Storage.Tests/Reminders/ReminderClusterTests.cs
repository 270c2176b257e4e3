using System.Collections.Concurrent;
using CrmChatbot.Storage.LiteDb;
using CrmChatbot.Storage.Reminders;
using LiteDB;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace CrmChatbot.Storage.Tests.Reminders;

public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task Register(string name, TimeSpan dueTime, TimeSpan period);

    /// <summary>Whether the reminder service (hence the table) has the named reminder for this grain.</summary>
    Task<bool> Exists(string name);

    Task Unregister(string name);
}

/// <summary>A test-only grain that records every reminder tick in <see cref="Ticks"/>.</summary>
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    /// <summary>Per grain key and reminder name: completed on the next tick.</summary>
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Ticks = new();

    public static Task NextTick(string key, string name) =>
        Ticks.GetOrAdd($"{key}/{name}", _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public Task Register(string name, TimeSpan dueTime, TimeSpan period) =>
        this.RegisterOrUpdateReminder(name, dueTime, period);

    public async Task<bool> Exists(string name) => await this.GetReminder(name) is not null;

    public async Task Unregister(string name)
    {
        var reminder = await this.GetReminder(name);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Ticks.TryRemove($"{this.GetPrimaryKeyString()}/{reminderName}", out var tick))
        {
            tick.TrySetResult();
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// End to end: a silo configured with <c>AddLiteDbCrmReminders</c> stores a registered reminder in
/// the LiteDB <c>reminders</c> collection and fires it; a NEW cluster over the same store (a silo
/// restart) finds it by range read and fires it without the grain being called first.
/// </summary>
public sealed class ReminderClusterTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Silo configurators are created by type: the store they share is static. One test uses it.
    private static LiteDbStore? s_store;

    public ReminderClusterTests() => s_store = LiteDbStore.CreateInMemory();

    private static LiteDbStore Store => s_store!;

    [Fact]
    public async Task A_registered_reminder_is_stored_fires_and_survives_a_restart()
    {
        var key = "probe-" + Guid.NewGuid().ToString("N");
        var grainId = GrainId.Create("reminderprobe", key);
        var reminders = Store.Database.GetCollection(ReminderFields.Collection);

        await using (var cluster = await StartClusterAsync())
        {
            var firstTick = ReminderProbeGrain.NextTick(key, "ping");
            await cluster.GrainFactory.GetGrain<IReminderProbeGrain>(key).Register("ping", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

            var doc = Assert.Single(reminders.Find(Query.EQ(ReminderFields.GrainId, grainId.ToString())));
            Assert.Equal("ping", doc[ReminderFields.ReminderName].AsString);
            Assert.Equal(TimeSpan.FromSeconds(2).Ticks, doc[ReminderFields.PeriodTicks].AsInt64);
            Assert.Equal((long)grainId.GetUniformHashCode(), doc[ReminderFields.GrainHash].AsInt64);

            await firstTick.WaitAsync(Timeout);
        }

        // "Restart": a new cluster over the same store. The reminder service loads the row by range
        // and activates the grain to deliver the tick; nobody calls the grain before.
        Assert.Single(reminders.Find(Query.EQ(ReminderFields.GrainId, grainId.ToString())));
        await using (var cluster = await StartClusterAsync())
        {
            await ReminderProbeGrain.NextTick(key, "ping").WaitAsync(Timeout);

            var grain = cluster.GrainFactory.GetGrain<IReminderProbeGrain>(key);
            Assert.True(await grain.Exists("ping"));
            await grain.Unregister("ping");
            Assert.False(await grain.Exists("ping"));
            Assert.Empty(reminders.Find(Query.EQ(ReminderFields.GrainId, grainId.ToString())));
        }
    }

    private static async Task<TestCluster> StartClusterAsync()
    {
        var cluster = new TestClusterBuilder(1).AddSiloBuilderConfigurator<SiloConfigurator>().Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public void Dispose() => s_store?.Dispose();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddLiteDbCrmStorage(Store);
            siloBuilder.AddLiteDbCrmReminders();

            // Orleans' default minimum period is 1 minute; a test needs ticks within seconds.
            siloBuilder.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        }
    }
}
