using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Users;

namespace CrmChatbot.Grains.Tests.Common;

[Collection(ClusterCollection.Name)]
public class GrainReferencesTests(ClusterFixture fixture)
{
    private static readonly Actor Agent = Actor.User("agent-1", UserRole.Agent, "Agent One");

    [Fact]
    public async Task A_reference_is_the_grain_GetGrain_gives_before_and_after_its_types_are_known()
    {
        var first = Guid.NewGuid().ToString();
        var second = Guid.NewGuid().ToString();

        // The first call resolves the types through GetGrain, the second reuses them: both must address the same grain.
        var viaFirst = fixture.Grains.Reference<ILeadGrain>(first);
        var viaCache = fixture.Grains.Reference<ILeadGrain>(second);

        Assert.Equal(fixture.Grains.GetGrain<ILeadGrain>(first).GetGrainId(), viaFirst.GetGrainId());
        Assert.Equal(fixture.Grains.GetGrain<ILeadGrain>(second).GetGrainId(), viaCache.GetGrainId());
        Assert.Equal(((GrainReference)fixture.Grains.GetGrain<ILeadGrain>(second)).InterfaceType, ((GrainReference)viaCache).InterfaceType);
        await viaCache.CreateAsync(new NewLead("Ada Lovelace"), Agent);
        Assert.Equal("Ada Lovelace", (await fixture.Grains.GetGrain<ILeadGrain>(second).GetAsync())!.Name);
    }

    [Fact]
    public void Interfaces_keep_their_own_types()
    {
        var key = Guid.NewGuid().ToString();

        var lead = fixture.Grains.Reference<ILeadGrain>(key);
        var user = fixture.Grains.Reference<IUserGrain>(key);
        var leadAgain = fixture.Grains.Reference<ILeadGrain>(key);

        Assert.NotEqual(lead.GetGrainId().Type, user.GetGrainId().Type);
        Assert.Equal(fixture.Grains.GetGrain<IUserGrain>(key).GetGrainId(), user.GetGrainId());
        Assert.Equal(lead.GetGrainId(), leadAgain.GetGrainId());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void A_blank_key_is_refused_as_GetGrain_refuses_it(string key) =>
        Assert.Throws<ArgumentException>(() => fixture.Grains.Reference<ILeadGrain>(key));
}
