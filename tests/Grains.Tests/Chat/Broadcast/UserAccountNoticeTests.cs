using CrmChatbot.Common;
using CrmChatbot.Users;

namespace CrmChatbot.Grains.Tests.Chat.Broadcast;

/// <summary>
/// On the two-silo cluster: every change of an account reaches the live connections of both silos,
/// whichever silo hosts the user grain, so the hub can close the connections the account may no longer hold.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UserAccountNoticeTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Deactivating_deleting_and_re_roling_an_account_notify_every_silo()
    {
        var email = $"notice-{Guid.NewGuid():N}@crm.test";
        var key = EmailKey.Normalize(email);
        var user = fixture.Grains.GetGrain<IUserGrain>(key);
        Assert.True((await user.RegisterAsync(new NewUser(email, "correct horse", "Notice", UserRole.Agent))).IsSuccess);
        var silos = fixture.Cluster.Silos;
        Assert.Equal(2, silos.Count);
        await Task.WhenAll(silos.Select(s => RecordingUserAccountWatcher.Of(s).WhenAsync(key, 1).WaitAsync(Wait)));

        Assert.True((await user.UpdateAsync(new UserPatch { IsActive = Optional<bool>.Of(false) })).IsSuccess);
        await Task.WhenAll(silos.Select(s => RecordingUserAccountWatcher.Of(s).WhenAsync(key, 2).WaitAsync(Wait)));

        Assert.True((await user.UpdateAsync(new UserPatch { Role = Optional<UserRole>.Of(UserRole.Client) })).IsSuccess);
        await Task.WhenAll(silos.Select(s => RecordingUserAccountWatcher.Of(s).WhenAsync(key, 3).WaitAsync(Wait)));

        Assert.True((await user.DeleteAsync()).IsSuccess);
        await Task.WhenAll(silos.Select(s => RecordingUserAccountWatcher.Of(s).WhenAsync(key, 4).WaitAsync(Wait)));
    }
}
