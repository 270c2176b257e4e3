using CrmChatbot.Chat;
using CrmChatbot.Chat.Sessions;
using CrmChatbot.Common;
using CrmChatbot.Users;

namespace CrmChatbot.Grains.Tests.Chat.Sessions;

public class ChatSessionRulesTests
{
    private static readonly DateTime Now = new(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_visitor_is_recognised_by_the_token_only()
    {
        var session = new ChatSessionState { OwnerTokenHash = ChatSessionRules.HashToken("secret") };

        Assert.True(ChatSessionRules.CanSee(ChatCaller.Visitor("secret"), session));
        Assert.False(ChatSessionRules.CanSee(ChatCaller.Visitor("Secret"), session));
        Assert.False(ChatSessionRules.CanSee(new ChatCaller(null, null), session));
        Assert.False(ChatSessionRules.CanSee(ChatCaller.Of(Actor.User("c1", UserRole.Client)), session));
        Assert.True(ChatSessionRules.CanSee(ChatCaller.Of(Actor.User("a1", UserRole.Agent)), session));
        Assert.False(ChatSessionRules.IsOwner(ChatCaller.Of(Actor.User("a1", UserRole.Agent)), session));
        Assert.Equal(64, ChatSessionRules.HashToken("secret").Length);
    }

    [Fact]
    public void Idle_is_measured_from_the_last_message_of_a_person()
    {
        var session = new ChatSessionState { LastActivityAt = Now };

        Assert.False(ChatSessionRules.IsIdle(session, Now.AddMinutes(59), TimeSpan.FromMinutes(60)));
        Assert.True(ChatSessionRules.IsIdle(session, Now.AddMinutes(60), TimeSpan.FromMinutes(60)));
        ChatSessionRules.Append(session, ChatRole.System, "note", Now.AddMinutes(30), null, null);
        Assert.True(ChatSessionRules.IsIdle(session, Now.AddMinutes(60), TimeSpan.FromMinutes(60)));
        session.Status = ChatSessionStatus.Closed;
        Assert.False(ChatSessionRules.IsIdle(session, Now.AddDays(1), TimeSpan.FromMinutes(60)));
    }

    [Theory]
    [InlineData(60, 15)]
    [InlineData(2, 1)]
    [InlineData(1, 1)]
    public void The_reminder_ticks_every_quarter_of_the_idle_time_but_at_most_once_a_minute(int idleMinutes, int periodMinutes) =>
        Assert.Equal(TimeSpan.FromMinutes(periodMinutes), ChatSessionRules.ReminderPeriod(TimeSpan.FromMinutes(idleMinutes)));

    [Fact]
    public void Another_agent_cannot_take_or_release_a_session_but_an_admin_can()
    {
        var session = new ChatSessionState { Status = ChatSessionStatus.WithAgent, AssignedAgentId = "a1" };

        Assert.Null(ChatSessionRules.CheckAssign(Actor.User("a1", UserRole.Agent), session));
        Assert.Equal(ErrorKind.Conflict, ChatSessionRules.CheckAssign(Actor.User("a2", UserRole.Agent), session)!.Kind);
        Assert.Null(ChatSessionRules.CheckAssign(Actor.User("ad", UserRole.Admin), session));
        Assert.Equal(ErrorKind.Conflict, ChatSessionRules.CheckRelease(Actor.User("a2", UserRole.Agent), session)!.Kind);
        Assert.Null(ChatSessionRules.CheckRelease(Actor.User("ad", UserRole.Admin), session));
    }
}
