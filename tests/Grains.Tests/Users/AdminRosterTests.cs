using CrmChatbot.Common;
using CrmChatbot.Storage.Reminders;
using CrmChatbot.Storage.Sqlite;
using CrmChatbot.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.TestingHost;

namespace CrmChatbot.Grains.Tests.Users;

/// <summary>
/// A two-silo cluster of its own, on a store of its own: the admin roster counts every admin of the
/// deployment, so the shared cluster's admins from other tests would hide the last-admin rule.
/// </summary>
public sealed class RosterClusterFixture : IAsyncLifetime
{
    private static readonly SqliteStore Store = SqliteStore.CreateInMemory();

    public TestCluster Cluster { get; } = new TestClusterBuilder(2).AddSiloBuilderConfigurator<Configurator>().Build();

    public IGrainFactory Grains => Cluster.GrainFactory;

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.Services.AddSqliteCrmStorage(Store);
            siloBuilder.Services.AddSqliteCrmReminders();
            siloBuilder.Services.AddCrmGrains();
            siloBuilder.Services.AddSingleton<CrmChatbot.Chat.IChatLiveClients, Chat.Broadcast.RecordingChatLiveClients>();
            siloBuilder.Services.TryAddSingleton<CrmChatbot.Chat.Dialogue.IDialogueManager, CrmChatbot.Chat.Sessions.Testing.EchoDialogueManager>();
        }
    }
}

public class AdminRosterTests(RosterClusterFixture fixture) : IClassFixture<RosterClusterFixture>
{
    private const string Password = "roster-staple-battery-7";

    private IUserGrain User(string email) => fixture.Grains.GetGrain<IUserGrain>(EmailKey.Normalize(email));

    private async Task<(string Email, string Id)> NewUserAsync(UserRole role)
    {
        var email = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@roster.test";
        var created = await User(email).RegisterAsync(new NewUser(email, Password, "Roster " + role, role));
        Assert.True(created.IsSuccess, created.Error?.Message);
        return (email, created.Value!.Id);
    }

    private async Task<int> ActiveAdminsAsync(params string[] emails)
    {
        var users = await Task.WhenAll(emails.Select(e => User(e).GetAsync()));
        return users.Count(u => u is { Role: UserRole.Admin, IsActive: true });
    }

    /// <summary>Takes every other admin of this store off the roster, so <paramref name="keep"/> are all it holds.</summary>
    private async Task RosterOfAsync(params string[] keep)
    {
        var roster = fixture.Grains.GetGrain<IAdminRosterGrain>(IAdminRosterGrain.Key);
        foreach (var id in await roster.GetAsync())
        {
            if (!keep.Contains(id))
            {
                Assert.True(await roster.TryReleaseAsync(id));
            }
        }

        Assert.Equal(keep.Order(), (await roster.GetAsync()).Order());
    }

    private static UserPatch Demote => new() { Role = Optional<UserRole>.Of(UserRole.Agent) };

    private static UserPatch Promote => new() { Role = Optional<UserRole>.Of(UserRole.Admin), IsActive = Optional<bool>.Of(true) };

    [Fact]
    public async Task Two_admins_demoting_each_other_at_once_always_leave_one_active_admin()
    {
        var a = await NewUserAsync(UserRole.Admin);
        var b = await NewUserAsync(UserRole.Admin);
        await RosterOfAsync(a.Id, b.Id);

        for (var round = 0; round < 30; round++)
        {
            // A demotes B while B demotes A (alternately deactivates): both end an active admin.
            var patch = round % 2 == 0 ? Demote : new UserPatch { IsActive = Optional<bool>.Of(false) };
            var results = await Task.WhenAll(User(b.Email).UpdateAsync(patch), User(a.Email).UpdateAsync(patch));

            Assert.Equal(1, results.Count(r => r.IsSuccess));
            Assert.Equal(ErrorKind.Conflict, Assert.Single(results, r => !r.IsSuccess).Error!.Kind);
            Assert.Equal(1, await ActiveAdminsAsync(a.Email, b.Email));

            var demoted = results[0].IsSuccess ? b.Email : a.Email;
            Assert.True((await User(demoted).UpdateAsync(Promote)).IsSuccess);
            Assert.Equal(2, await ActiveAdminsAsync(a.Email, b.Email));
        }
    }

    [Fact]
    public async Task The_last_active_admin_cannot_be_demoted_deactivated_or_deleted()
    {
        var roster = fixture.Grains.GetGrain<IAdminRosterGrain>(IAdminRosterGrain.Key);
        var admin = await NewUserAsync(UserRole.Admin);
        await RosterOfAsync(admin.Id);

        var demote = await User(admin.Email).UpdateAsync(Demote);
        var deactivate = await User(admin.Email).UpdateAsync(new UserPatch { IsActive = Optional<bool>.Of(false) });
        var delete = await User(admin.Email).DeleteAsync();

        Assert.Equal(ErrorKind.Conflict, demote.Error?.Kind);
        Assert.Equal(ErrorKind.Conflict, deactivate.Error?.Kind);
        Assert.Equal(ErrorKind.Conflict, delete.Error?.Kind);
        Assert.Equal(1, await ActiveAdminsAsync(admin.Email));

        // With a second admin, the first may go.
        var second = await NewUserAsync(UserRole.Admin);
        Assert.True((await User(admin.Email).DeleteAsync()).IsSuccess);
        Assert.Equal([second.Id], await roster.GetAsync());
    }

    [Fact]
    public async Task Agents_and_clients_change_freely()
    {
        var agent = await NewUserAsync(UserRole.Agent);

        Assert.True((await User(agent.Email).UpdateAsync(new UserPatch { IsActive = Optional<bool>.Of(false) })).IsSuccess);
        Assert.True((await User(agent.Email).DeleteAsync()).IsSuccess);
    }
}
