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
    public void The_message_limit_counts_a_one_minute_window_and_names_the_wait()
    {
        var session = new ChatSessionState();
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(ChatSessionRules.CountMessage(session, Now.AddSeconds(i), perMinute: 3));
        }

        var refused = ChatSessionRules.CountMessage(session, Now.AddSeconds(20), perMinute: 3);

        Assert.Equal(ErrorKind.Throttled, refused!.Kind);
        Assert.Equal(40, refused.RetryAfterSeconds);
        Assert.Equal(3, session.MessagesInWindow); // a refused message is not counted
        Assert.Null(ChatSessionRules.CountMessage(session, Now.AddSeconds(60), perMinute: 3));
        Assert.Equal((Now.AddSeconds(60), 1), (session.MessageWindowStart, session.MessagesInWindow));
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

    [Fact]
    public void Every_message_beyond_the_recent_ones_becomes_a_row_numbered_by_its_place_in_the_session()
    {
        var session = new ChatSessionState();
        for (var i = 0; i < ChatLimits.StoredRecentMessages; i++)
        {
            ChatSessionRules.Append(session, ChatRole.User, $"m{i}", Now, "u1", null);
        }

        Assert.Empty(ChatSessionRules.ArchiveOldMessages("s1", session)); // not over the limit yet
        ChatSessionRules.Append(session, ChatRole.User, "one more", Now, "u1", null);
        ChatSessionRules.Append(session, ChatRole.Bot, "a reply", Now, null, null);

        var rows = ChatSessionRules.ArchiveOldMessages("s1", session);

        Assert.Equal([("s1", 1L, "m0"), ("s1", 2L, "m1")], rows.Select(r => (r.SessionId, r.Seq, r.Message.Text)));
        Assert.Equal(ChatLimits.StoredRecentMessages, session.Messages.Count);
        Assert.Equal("m2", session.Messages[0].Text);
        Assert.Equal([.. Enumerable.Range(0, ChatLimits.StoredRecentMessages).Select(i => $"m{i}"), "one more", "a reply"],
            session.ToDto("s1", [.. rows.Select(r => r.Message)]).Messages.Select(m => m.Text));
    }

    [Fact]
    public void Rows_archived_turn_after_turn_are_numbered_without_gaps_and_the_transcript_shows_the_last_500()
    {
        var session = new ChatSessionState();
        var rows = new List<ArchivedChatMessage>();
        for (var i = 0; i < ChatLimits.TranscriptMessages + 100; i++)
        {
            ChatSessionRules.Append(session, ChatRole.User, $"m{i}", Now, "u1", null);
            rows.AddRange(ChatSessionRules.ArchiveOldMessages("s1", session));
        }

        Assert.Equal(ChatLimits.StoredRecentMessages, session.Messages.Count);
        Assert.Equal(Enumerable.Range(1, ChatLimits.TranscriptMessages + 100 - ChatLimits.StoredRecentMessages).Select(i => (long)i), rows.Select(r => r.Seq));
        Assert.Equal(rows.Select((_, i) => $"m{i}"), rows.Select(r => r.Message.Text));
        var shown = session.ToDto("s1", [.. rows.Select(r => r.Message)]).Messages;
        Assert.Equal(Enumerable.Range(100, ChatLimits.TranscriptMessages).Select(i => $"m{i}"), shown.Select(m => m.Text));
        Assert.Equal(ChatLimits.TranscriptMessages + 100, session.MessageCount);
    }

    [Fact]
    public void An_old_archive_becomes_rows_ending_right_before_the_recent_messages_without_those_it_shares_with_them()
    {
        var session = new ChatSessionState();
        for (var i = 0; i < 70; i++)
        {
            ChatSessionRules.Append(session, ChatRole.User, $"m{i}", Now, "u1", null);
        }

        // As a build before store version 5 left it: m0..m11 archived, m10..m69 recent (m10 and m11 in both: the
        // archive was written, the session not).
        var legacy = new ChatTranscriptState { Messages = [.. session.Messages.Take(12)] };
        session.Messages.RemoveRange(0, 10);

        var rows = ChatArchive.FromLegacy("s1", session, legacy);

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), rows.Select(r => r.Seq));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{i}"), rows.Select(r => r.Message.Text));
        Assert.Equal(11, ChatArchive.FirstRecentSeq(session));
        Assert.Equal([1L, 2L], ChatArchive.FromLegacy("gone", null, new ChatTranscriptState { Messages = [.. legacy.Messages.Take(2)] }).Select(r => r.Seq));
    }
}
