using CrmChatbot.Chat;
using CrmChatbot.Chat.Dialogue;
using CrmChatbot.Grains.Tests.Chat.Dialogue;
using CrmChatbot.Users;

namespace CrmChatbot.Grains.Tests.Chat.Sessions;

/// <summary>The anonymous chat limits live in the session grain's state: a reactivated session still knows them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ChatSessionLimitTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_visitor_session_that_made_its_lead_is_refused_a_second_one_politely_even_after_reactivation()
    {
        await new DialogueHarness(fixture).NewUserAsync(UserRole.Admin, "Bot Owner");
        var id = Guid.CreateVersion7().ToString();
        var owner = ChatCaller.Visitor("token-" + Guid.NewGuid());
        var grain = fixture.Grains.GetGrain<IChatSessionGrain>(id);
        Assert.True((await grain.StartAsync(owner, "UTC")).IsSuccess);
        ChatTurnResult? last = null;
        foreach (var text in new[] { "I'd like to talk to sales", "Grace Hopper", $"grace.{Guid.NewGuid():N}@navy.example", "Navy", "pricing", "yes" })
        {
            last = (await grain.SendAsync(owner, text)).Value!;
        }

        Assert.Equal(DialogueActions.LeadCreated, Assert.Single(last!.Actions).Type);

        await fixture.DeactivateAllAsync();
        var again = (await grain.SendAsync(owner, "I'd like to talk to sales")).Value!;

        Assert.Empty(again.Actions);
        Assert.Contains("already passed your details on", again.Reply, StringComparison.Ordinal);
        var stored = fixture.Store.State(ChatStorage.Sessions, id)!;
        Assert.InRange((int)stored["messages_in_window"]!, 1, 7);
    }
}
