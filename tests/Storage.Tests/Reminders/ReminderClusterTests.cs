using System.Collections.Concurrent;
using CrmChatbot.Storage.Sqlite;
using CrmChatbot.Storage.Reminders;
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
/// End to end: a silo configured with <c>AddSqliteCrmReminders</c> stores a registered reminder in
/// the SQLite <c>reminders</c> table and fires it; a NEW cluster over the same store (a silo
/// restart) finds it by range read and fires it without the grain being called first.
/// </summary>
public sealed class ReminderClusterTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Silo configurators are created by type: the store they share is static. One test uses it.
    private static SqliteStore? s_store;

    public ReminderClusterTests() => s_store = SqliteStore.CreateInMemory();

    private static SqliteStore Store => s_store!;

    [Fact]
    public async Task A_registered_reminder_is_stored_fires_and_survives_a_restart()
    {
        var key = "probe-" + Guid.NewGuid().ToString("N");
        var grainId = GrainId.Create("reminderprobe", key);
        var reminders = new SqliteReminderTable(Store);

        await using (var cluster = await StartClusterAsync())
        {
            var firstTick = ReminderProbeGrain.NextTick(key, "ping");
            await cluster.GrainFactory.GetGrain<IReminderProbeGrain>(key).Register("ping", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

            var row = Assert.Single((await reminders.ReadRows(grainId)).Reminders);
            Assert.Equal("ping", row.ReminderName);
            Assert.Equal(TimeSpan.FromSeconds(2), row.Period);
            var hash = Store.Read(s => s.Scalar($"SELECT {ReminderFields.GrainHash} FROM {ReminderFields.Collection} WHERE {ReminderFields.GrainId} = @p0", grainId.ToString()));
            Assert.Equal((long)grainId.GetUniformHashCode(), hash);

            await firstTick.WaitAsync(Timeout);
        }

        // "Restart": a new cluster over the same store. The reminder service loads the row by range
        // and activates the grain to deliver the tick; nobody calls the grain before.
        Assert.Single((await reminders.ReadRows(grainId)).Reminders);
        await using (var cluster = await StartClusterAsync())
        {
            await ReminderProbeGrain.NextTick(key, "ping").WaitAsync(Timeout);

            var grain = cluster.GrainFactory.GetGrain<IReminderProbeGrain>(key);
            Assert.True(await grain.Exists("ping"));
            await grain.Unregister("ping");
            Assert.False(await grain.Exists("ping"));
            Assert.Empty((await reminders.ReadRows(grainId)).Reminders);
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
            siloBuilder.Services.AddSqliteCrmStorage(Store);
            siloBuilder.Services.AddSqliteCrmReminders();

            // Orleans' default minimum period is 1 minute; a test needs ticks within seconds.
            siloBuilder.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        }
    }
}
