using CrmChatbot.Chat;
using CrmChatbot.Chat.Sessions;
using CrmChatbot.Common;
using CrmChatbot.Grains.Tests.Tickets;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Sqlite;
using CrmChatbot.Users;

namespace CrmChatbot.Grains.Tests.Chat.Sessions;

[Collection(ClusterCollection.Name)]
public class ChatSessionGrainTests(ClusterFixture fixture)
{
    private const string AskForHuman = "I want to talk to a human please";

    private static readonly Actor Agent = Actor.User("chat-agent-1", UserRole.Agent, "Agent One");
    private static readonly Actor OtherAgent = Actor.User("chat-agent-2", UserRole.Agent, "Agent Two");
    private static readonly Actor Admin = Actor.User("chat-admin", UserRole.Admin, "Admin");
    private static readonly Actor Client = Actor.User("chat-client-1", UserRole.Client, "Client One");
    private static readonly Actor OtherClient = Actor.User("chat-client-2", UserRole.Client, "Client Two");

    private IChatSessionGrain Session(string id) => fixture.Grains.GetGrain<IChatSessionGrain>(id);

    private async Task<(IChatSessionGrain Grain, ChatCaller Owner)> StartVisitorAsync()
    {
        var id = Guid.CreateVersion7().ToString();
        var owner = ChatCaller.Visitor("token-" + Guid.NewGuid());
        var started = await Session(id).StartAsync(owner, "Europe/Paris");
        Assert.True(started.IsSuccess, started.Error?.Message);
        return (Session(id), owner);
    }

    [Fact]
    public async Task A_visitor_session_starts_with_a_greeting_and_stores_only_a_hash_of_the_token()
    {
        var (grain, owner) = await StartVisitorAsync();

        var session = await grain.GetAsync(owner);

        Assert.NotNull(session);
        Assert.Equal(ChatSessionStatus.Active, session.Status);
        Assert.True(session.Visitor);
        Assert.Equal("Europe/Paris", session.TimeZone);
        var greeting = Assert.Single(session.Messages);
        Assert.Equal(ChatRole.Bot, greeting.Role);
        Assert.False(string.IsNullOrWhiteSpace(greeting.Text));

        var doc = fixture.Store.State(ChatStorage.Sessions, grain.GetPrimaryKeyString())!;
        var stored = doc["owner_token_hash"]!.GetValue<string>();
        Assert.Equal(ChatSessionRules.HashToken(owner.Token!), stored);
        Assert.DoesNotContain(owner.Token!, doc.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_owner_and_staff_see_a_session()
    {
        var (grain, _) = await StartVisitorAsync();

        Assert.Null(await grain.GetAsync(ChatCaller.Visitor("wrong-token")));
        Assert.Null(await grain.GetAsync(new ChatCaller(null, null)));
        Assert.Null(await grain.GetAsync(ChatCaller.Of(Client)));
        Assert.NotNull(await grain.GetAsync(ChatCaller.Of(Agent)));

        var clientSession = Session(Guid.CreateVersion7().ToString());
        Assert.True((await clientSession.StartAsync(ChatCaller.Of(Client), "UTC")).IsSuccess);
        Assert.NotNull(await clientSession.GetAsync(ChatCaller.Of(Client)));
        Assert.Null(await clientSession.GetAsync(ChatCaller.Of(OtherClient)));
        Assert.Equal(ErrorKind.NotFound, (await clientSession.SendAsync(ChatCaller.Of(OtherClient), "hi")).Error!.Kind);
    }

    [Fact]
    public async Task Messages_are_answered_by_the_assistant_and_recorded()
    {
        var (grain, owner) = await StartVisitorAsync();

        var turn = await grain.SendAsync(owner, "hello there");

        Assert.True(turn.IsSuccess, turn.Error?.Message);
        Assert.False(string.IsNullOrWhiteSpace(turn.Value!.Reply));
        Assert.NotNull(turn.Value.Intent);
        Assert.Equal(ChatSessionStatus.Active, turn.Value.Status);
        var session = await grain.GetAsync(owner);
        Assert.Equal([ChatRole.Bot, ChatRole.User, ChatRole.Bot], session!.Messages.Select(m => m.Role));
        Assert.Equal("hello there", session.Messages[1].Text);
        Assert.Equal(3, session.MessageCount);
    }

    [Fact]
    public async Task Invalid_text_is_refused()
    {
        var (grain, owner) = await StartVisitorAsync();

        Assert.Equal(ErrorKind.Validation, (await grain.SendAsync(owner, "  ")).Error!.Kind);
        Assert.Equal(ErrorKind.Validation, (await grain.SendAsync(owner, new string('x', 2001))).Error!.Kind);
        Assert.Single((await grain.GetAsync(owner))!.Messages);
    }

    [Fact]
    public async Task Hand_off_assign_agent_reply_and_release_follow_the_workflow()
    {
        var (grain, owner) = await StartVisitorAsync();

        var handoff = await grain.SendAsync(owner, AskForHuman);
        Assert.Equal(ChatSessionStatus.WaitingForAgent, handoff.Value!.Status);
        Assert.Equal(ChatSessionStatus.Active, handoff.Value.PreviousStatus);

        // While waiting the assistant stays quiet.
        var waiting = await grain.SendAsync(owner, "are you there?");
        Assert.Null(waiting.Value!.Reply);
        Assert.Single(waiting.Value.Added);

        Assert.Equal(ErrorKind.Conflict, (await grain.AgentMessageAsync(Agent, "hi")).Error!.Kind);
        var assigned = await grain.AssignAsync(Agent);
        Assert.Equal(ChatSessionStatus.WithAgent, assigned.Value!.Session.Status);
        Assert.Equal(Agent.UserId, assigned.Value.Session.AssignedAgentId);

        Assert.Equal(ErrorKind.Conflict, (await grain.AssignAsync(OtherAgent)).Error!.Kind);
        Assert.Equal(ErrorKind.Conflict, (await grain.AgentMessageAsync(OtherAgent, "me too")).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await grain.AssignAsync(Client)).Error!.Kind);

        var reply = await grain.AgentMessageAsync(Agent, "Hi, I am Agent One.");
        Assert.True(reply.IsSuccess, reply.Error?.Message);
        var quiet = await grain.SendAsync(owner, "thanks");
        Assert.Null(quiet.Value!.Reply);
        Assert.Equal(ChatSessionStatus.WithAgent, quiet.Value.Status);

        Assert.Equal(ErrorKind.Conflict, (await grain.ReleaseAsync(OtherAgent)).Error!.Kind);
        var released = await grain.ReleaseAsync(Agent);
        Assert.Equal(ChatSessionStatus.Active, released.Value!.Session.Status);
        Assert.Null(released.Value.Session.AssignedAgentId);
        Assert.NotNull((await grain.SendAsync(owner, "hello again")).Value!.Reply);

        var transcript = (await grain.GetAsync(owner))!.Messages;
        Assert.Contains(transcript, m => m.Role == ChatRole.Agent && m.Text == "Hi, I am Agent One." && m.AuthorId == Agent.UserId);
    }

    [Fact]
    public async Task An_admin_may_take_over_from_another_agent()
    {
        var (grain, owner) = await StartVisitorAsync();
        await grain.SendAsync(owner, AskForHuman);
        await grain.AssignAsync(Agent);

        var taken = await grain.AssignAsync(Admin);

        Assert.Equal(Admin.UserId, taken.Value!.Session.AssignedAgentId);
    }

    [Fact]
    public async Task A_closed_session_refuses_messages_and_commands()
    {
        var (grain, owner) = await StartVisitorAsync();

        Assert.Equal(ErrorKind.NotFound, (await grain.CloseAsync(ChatCaller.Visitor("nope"))).Error!.Kind);
        var closed = await grain.CloseAsync(owner);
        Assert.Equal(ChatSessionStatus.Closed, closed.Value!.Session.Status);
        Assert.NotNull(closed.Value.Session.ClosedAt);

        Assert.Equal(ErrorKind.Conflict, (await grain.SendAsync(owner, "hello?")).Error!.Kind);
        Assert.Equal(ErrorKind.Conflict, (await grain.AssignAsync(Agent)).Error!.Kind);
        Assert.Equal(ErrorKind.Conflict, (await grain.CloseAsync(owner)).Error!.Kind);
    }

    [Fact]
    public async Task An_idle_session_is_closed_by_the_reminder_check_with_a_system_message()
    {
        var (grain, owner) = await StartVisitorAsync();
        try
        {
            TestClock.Shared.Advance(TimeSpan.FromMinutes(30));
            Assert.Equal(ChatSessionStatus.Active, (await grain.CheckIdleAsync())!.Status);
            await grain.SendAsync(owner, "still here");

            // 59 minutes after the last message: still open; 61: closed.
            TestClock.Shared.Advance(TimeSpan.FromMinutes(59));
            Assert.Equal(ChatSessionStatus.Active, (await grain.CheckIdleAsync())!.Status);
            TestClock.Shared.Advance(TimeSpan.FromMinutes(2));
            var closed = await grain.CheckIdleAsync();

            Assert.Equal(ChatSessionStatus.Closed, closed!.Status);
            Assert.Equal(ChatRole.System, closed.Messages[^1].Role);
        }
        finally
        {
            TestClock.Shared.Reset();
        }
    }

    [Fact]
    public async Task A_session_survives_deactivation()
    {
        var (grain, owner) = await StartVisitorAsync();
        await grain.SendAsync(owner, AskForHuman);
        await grain.AssignAsync(Agent);

        await fixture.DeactivateAllAsync();

        var reloaded = await grain.GetAsync(owner);
        Assert.Equal(ChatSessionStatus.WithAgent, reloaded!.Status);
        Assert.Equal(Agent.UserId, reloaded.AssignedAgentId);
        Assert.Equal(4, reloaded.Messages.Count); // greeting, ask, bot reply, agent joined
        Assert.Null(await grain.GetAsync(ChatCaller.Visitor("wrong")));
    }

    [Fact]
    public async Task The_transcript_keeps_the_last_500_messages()
    {
        var (grain, owner) = await StartVisitorAsync();
        await grain.SendAsync(owner, AskForHuman); // the assistant stays quiet from now on: one message per send

        for (var i = 0; i < 500; i++)
        {
            await grain.SendAsync(owner, $"message {i}");
        }

        var session = await grain.GetAsync(owner);
        Assert.Equal(ChatLimits.TranscriptMessages, session!.Messages.Count);
        Assert.Equal(503, session.MessageCount);
        Assert.Equal("message 499", session.Messages[^1].Text);
    }

    [Fact]
    public async Task A_long_conversation_keeps_the_session_document_small_and_the_whole_transcript()
    {
        var (grain, owner) = await StartVisitorAsync();
        await grain.SendAsync(owner, AskForHuman); // greeting, ask, bot reply; then one message per send
        for (var i = 0; i < 100; i++)
        {
            await grain.SendAsync(owner, $"message {i}");
        }

        var id = grain.GetPrimaryKeyString();
        var stored = fixture.Store.State(ChatStorage.Sessions, id)!;
        Assert.InRange(stored["messages"]!.AsArray().Count, 1, ChatLimits.StoredRecentMessages);
        Assert.Equal(103 - ChatLimits.StoredRecentMessages, fixture.Store.ChatMessageRows(id).Count);

        await fixture.DeactivateAllAsync();

        var session = await grain.GetAsync(owner);
        Assert.Equal(103, session!.Messages.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"message {i}"), session.Messages.Skip(3).Select(m => m.Text));
        Assert.Equal(session.Messages.Count, session.Messages.Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_700_message_conversation_shows_the_same_last_500_messages_after_reactivation_and_keeps_every_archived_row()
    {
        var (grain, owner) = await StartVisitorAsync();
        await grain.SendAsync(owner, AskForHuman); // greeting, ask, bot reply; then one message per send
        for (var i = 0; i < 697; i++)
        {
            await grain.SendAsync(owner, $"message {i}");
        }

        var before = (await grain.GetAsync(owner))!;
        var id = grain.GetPrimaryKeyString();
        var stored = fixture.Store.State(ChatStorage.Sessions, id)!;
        var rows = fixture.Store.ChatMessageRows(id);

        await fixture.DeactivateAllAsync();
        var after = (await grain.GetAsync(owner))!;

        Assert.Equal(700, after.MessageCount);
        Assert.Equal(Enumerable.Range(197, 500).Select(i => $"message {i}"), after.Messages.Select(m => m.Text));
        Assert.Equal(before.Messages.Select(m => (m.Id, m.Text, m.At)), after.Messages.Select(m => (m.Id, m.Text, m.At)));
        // The document holds the newest messages only; every older one is a row, numbered 1.. in order (kept beyond
        // the 500 shown: a CRM keeps transcripts).
        Assert.Equal(ChatLimits.StoredRecentMessages, stored["messages"]!.AsArray().Count);
        Assert.Equal(Enumerable.Range(1, 700 - ChatLimits.StoredRecentMessages).Select(i => (long)i), rows.Select(r => r.Seq));
        Assert.Equal(Enumerable.Range(0, 700 - ChatLimits.StoredRecentMessages - 3).Select(i => $"message {i}"), rows.Skip(3).Select(r => r.Text));
        Assert.Equal(after.Messages[0].Id, rows[700 - 500].Id);
    }

    [Fact]
    public async Task Staff_list_sessions_by_status_newest_activity_first()
    {
        var (older, olderOwner) = await StartVisitorAsync();
        var (newer, newerOwner) = await StartVisitorAsync();
        await older.SendAsync(olderOwner, AskForHuman);
        await Task.Delay(5);
        await newer.SendAsync(newerOwner, AskForHuman);

        var queries = new ChatSessionQueries(new SqliteDocumentQueries(fixture.Store));
        var page = await queries.ListAsync(new ChatSessionListQuery { Status = ChatSessionStatus.WaitingForAgent, Limit = 200 });

        var ids = page.Items.Select(s => s.Id).ToList();
        Assert.True(ids.IndexOf(newer.GetPrimaryKeyString()) < ids.IndexOf(older.GetPrimaryKeyString()));
        Assert.All(page.Items, s => Assert.Equal(ChatSessionStatus.WaitingForAgent, s.Status));
        Assert.Equal(ChatRole.Bot, page.Items.First(s => s.Id == newer.GetPrimaryKeyString()).LastMessage!.Role);
    }
}
