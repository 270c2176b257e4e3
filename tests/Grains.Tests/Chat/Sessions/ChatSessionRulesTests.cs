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
    public void A_full_session_document_hands_its_oldest_messages_to_the_archive()
    {
        var session = new ChatSessionState();
        var archive = new ChatTranscriptState();
        for (var i = 0; i < ChatLimits.StoredRecentMessages; i++)
        {
            ChatSessionRules.Append(session, ChatRole.User, $"m{i}", Now, "u1", null);
        }

        Assert.False(ChatSessionRules.ArchiveOldMessages(session, archive)); // not over the limit yet
        ChatSessionRules.Append(session, ChatRole.User, "one more", Now, "u1", null);

        Assert.True(ChatSessionRules.ArchiveOldMessages(session, archive));

        var kept = ChatLimits.StoredRecentMessages - ChatLimits.ArchivedAtOnce;
        Assert.Equal(kept, session.Messages.Count);
        Assert.Equal(ChatLimits.StoredRecentMessages + 1 - kept, archive.Messages.Count);
        Assert.Equal("m0", archive.Messages[0].Text);
        Assert.Equal("one more", session.Messages[^1].Text);
        Assert.Equal([.. Enumerable.Range(0, ChatLimits.StoredRecentMessages).Select(i => $"m{i}"), "one more"],
            session.ToDto("s1", archive.Messages).Messages.Select(m => m.Text));
    }

    [Fact]
    public void An_archived_message_still_in_the_session_is_neither_archived_nor_shown_twice()
    {
        var session = new ChatSessionState();
        for (var i = 0; i <= ChatLimits.StoredRecentMessages; i++)
        {
            ChatSessionRules.Append(session, ChatRole.User, $"m{i}", Now, "u1", null);
        }

        // The archive was written, the session document was not (a failure in between): both hold m0 and m1.
        var archive = new ChatTranscriptState { Messages = [.. session.Messages.Take(2)] };
        Assert.Equal(ChatLimits.StoredRecentMessages + 1, session.ToDto("s1", archive.Messages).Messages.Count);

        ChatSessionRules.ArchiveOldMessages(session, archive);

        Assert.Equal(archive.Messages.Select(m => m.Id).Distinct().Count(), archive.Messages.Count);
        Assert.Equal(ChatLimits.StoredRecentMessages + 1, session.ToDto("s1", archive.Messages).Messages.Count);
    }

    [Fact]
    public void The_archive_keeps_only_what_fits_in_the_transcript_limit()
    {
        var session = new ChatSessionState();
        var archive = new ChatTranscriptState();
        for (var i = 0; i < ChatLimits.TranscriptMessages + 100; i++)
        {
            ChatSessionRules.Append(session, ChatRole.User, $"m{i}", Now, "u1", null);
            ChatSessionRules.ArchiveOldMessages(session, archive);
        }

        Assert.True(session.Messages.Count <= ChatLimits.StoredRecentMessages);
        Assert.True(archive.Messages.Count <= ChatLimits.TranscriptMessages - (ChatLimits.StoredRecentMessages - ChatLimits.ArchivedAtOnce));
        var shown = session.ToDto("s1", archive.Messages).Messages;
        Assert.Equal(Enumerable.Range(100, ChatLimits.TranscriptMessages).Select(i => $"m{i}"), shown.Select(m => m.Text));
        Assert.Equal(ChatLimits.TranscriptMessages + 100, session.MessageCount);
    }
}
