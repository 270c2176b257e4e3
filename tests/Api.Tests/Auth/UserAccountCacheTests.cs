using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Users;

namespace CrmChatbot.Api.Tests.Auth;

public class UserAccountCacheTests
{
    private static readonly UserDto Agent = new("u1", "a@crm.test", "Agent", UserRole.Agent, true, DateTime.UnixEpoch, DateTime.UnixEpoch);

    private static UserAccountCache NewCache(ClusteringMode clustering = ClusteringMode.Localhost) =>
        new(new CrmSettings { JwtSecretKey = new byte[32], Clustering = clustering });

    [Fact]
    public void An_account_read_before_a_change_is_never_kept()
    {
        var cache = NewCache();
        var generation = cache.Generation;

        cache.Changed("a@crm.test"); // the change lands while the read was in flight
        cache.Remember("a@crm.test", Agent, generation);

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_change_removes_the_remembered_account()
    {
        var cache = NewCache();
        cache.Remember("a@crm.test", Agent, cache.Generation);
        Assert.Equal(1, cache.Count);

        cache.Changed("a@crm.test");

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void With_mongo_clustering_the_cache_is_off()
    {
        Assert.True(NewCache().Enabled);
        Assert.False(NewCache(ClusteringMode.Mongo).Enabled);
    }
}
