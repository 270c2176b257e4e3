using CrmChatbot.Chat.Dialogue;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Meetings;
using CrmChatbot.Users;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Grains.Tests.Chat.Dialogue;

/// <summary>
/// Security review #12, items 1 and 5, at the tool layer: a chat acts only for what its session owns (records it
/// created, or the signed-in user's own), a contact typed in the chat never grants another lead, and an anonymous
/// session creates at most its quota of leads and meetings.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ChatOwnershipTests(ClusterFixture fixture)
{
    private static readonly DateTime Upcoming = DialogueHarness.Now.UtcDateTime.AddDays(3);

    private readonly DialogueHarness harness = new(fixture);

    private ChatTools Tools(string ownerId, int maxLeads = 1, int maxMeetings = 1) => new(harness.Grains, harness.Users, harness.Tickets, harness.Meetings,
        Options.Create(new ChatOptions { BotOwnerUserId = ownerId, AnonymousMaxLeads = maxLeads, AnonymousMaxMeetings = maxMeetings }));

    /// <summary>A lead someone else owns, with a scheduled meeting.</summary>
    private async Task<(LeadDto Lead, MeetingDto Meeting)> VictimAsync(UserDto organizer)
    {
        var uid = Guid.NewGuid().ToString("N")[..10];
        var lead = await harness.Grains.GetGrain<ILeadGrain>(Guid.CreateVersion7().ToString())
            .CreateAsync(new NewLead("Victoria Victim", $"victim.{uid}@example.com", "+1555" + Random.Shared.Next(1_000_000, 9_999_999), "Victim Inc"), Actor.System);
        var meeting = await harness.Grains.GetGrain<IMeetingGrain>(Guid.CreateVersion7().ToString()).CreateAsync(new MeetingPatch
        {
            Title = Optional<string>.Of("Victim roadmap review"),
            Date = Optional<DateTime>.Of(Upcoming.AddHours(Random.Shared.Next(1, 500))),
            DurationMinutes = Optional<int>.Of(30),
            Participants = Optional<IReadOnlyList<ParticipantInput>>.Of([new ParticipantInput(ParticipantKind.Lead, lead.Value!.Id)]),
            LeadId = Optional<string>.Of(lead.Value.Id),
        }, Actor.User(organizer.Id, organizer.Role, organizer.Name));
        return (lead.Value, meeting.Value ?? throw new InvalidOperationException(meeting.Error!.Message));
    }

    private async Task<MeetingStatus> StatusOf(string meetingId) => (await harness.Grains.GetGrain<IMeetingGrain>(meetingId).GetAsync())!.Status;

    [Theory]
    [InlineData("email")]
    [InlineData("phone")]
    public async Task A_contact_of_another_lead_makes_a_new_flagged_lead_owned_by_the_session(string matched)
    {
        var owner = await harness.NewUserAsync(UserRole.Admin, "Owner");
        var (victim, _) = await VictimAsync(owner);
        var state = new DialogueState();
        var visitor = new ChatPrincipal(ChatUser.Visitor, state);
        var email = matched == "email" ? victim.Email : $"mallory.{Guid.NewGuid():N}@evil.example";
        var phone = matched == "phone" ? victim.Phone : null;
        var before = (await harness.Grains.GetGrain<ILeadGrain>(victim.Id).GetAsync())!;

        var outcome = await Tools(owner.Id).CreateLeadAsync(visitor, "Mallory", email, phone, "Evil Corp", "pricing");

        Assert.NotNull(outcome.Id);
        Assert.NotEqual(victim.Id, outcome.Id);
        Assert.Equal(DialogueActions.LeadCreated, outcome.Action!.Type);
        Assert.Equal([outcome.Id], state.OwnedLeadIds);
        Assert.Equal(outcome.Id, state.Created["lead"]);
        var flagged = (await harness.Grains.GetGrain<ILeadGrain>(outcome.Id).GetAsync())!;
        Assert.Equal(LeadSource.Chatbot, flagged.Source);
        Assert.StartsWith($"Possible duplicate of lead {victim.Id} (same {matched})", flagged.Notes, StringComparison.Ordinal);
        Assert.Contains("pricing", flagged.Notes, StringComparison.Ordinal);
        var unchanged = (await harness.Grains.GetGrain<ILeadGrain>(victim.Id).GetAsync())!;
        Assert.Equal(before.Version, unchanged.Version);
    }

    [Fact]
    public async Task Listing_and_cancelling_a_foreign_meeting_is_refused_by_the_tools()
    {
        var owner = await harness.NewUserAsync(UserRole.Admin, "Owner");
        var (victim, victimMeeting) = await VictimAsync(owner);
        var tools = Tools(owner.Id);

        // A session that remembers the victim's lead as "its" lead (what the old code stored after a matched contact).
        var forged = new DialogueState();
        forged.Created["lead"] = victim.Id;
        var visitor = new ChatPrincipal(ChatUser.Visitor, forged);
        Assert.Null(await tools.UpcomingMeetingsAsync(visitor, DialogueHarness.Now.UtcDateTime, default));
        var cancel = await tools.CancelMeetingAsync(visitor, victimMeeting.Id, default);
        Assert.Equal(ErrorKind.NotFound, cancel.Error?.Kind);

        // A visitor with a lead of its own still sees and cancels nothing of the victim's.
        var own = new DialogueState();
        var withLead = new ChatPrincipal(ChatUser.Visitor, own);
        Assert.NotNull((await tools.CreateLeadAsync(withLead, "Mallory", $"m.{Guid.NewGuid():N}@evil.example", null, "Evil", null)).Id);
        Assert.Empty((await tools.UpcomingMeetingsAsync(withLead, DialogueHarness.Now.UtcDateTime, default))!);
        Assert.Equal(ErrorKind.NotFound, (await tools.CancelMeetingAsync(withLead, victimMeeting.Id, default)).Error?.Kind);

        // A signed-in client who is not in the meeting cannot cancel it either.
        var stranger = DialogueHarness.ChatUserOf(await harness.NewUserAsync(UserRole.Client, "Stranger"));
        Assert.Equal(ErrorKind.NotFound, (await tools.CancelMeetingAsync(new ChatPrincipal(stranger, new DialogueState()), victimMeeting.Id, default)).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await tools.CancelMeetingAsync(new ChatPrincipal(stranger, new DialogueState()), "no-such-meeting", default)).Error?.Kind);

        Assert.Equal(MeetingStatus.Scheduled, await StatusOf(victimMeeting.Id));
    }

    [Fact]
    public async Task Own_meetings_stay_listable_and_cancellable_for_visitors_and_signed_in_users()
    {
        var owner = await harness.NewUserAsync(UserRole.Admin, "Owner");
        var tools = Tools(owner.Id);
        var state = new DialogueState();
        var visitor = new ChatPrincipal(ChatUser.Visitor, state);
        await tools.CreateLeadAsync(visitor, "Grace", $"grace.{Guid.NewGuid():N}@navy.example", null, "Navy", null);
        var booked = await tools.BookMeetingAsync(visitor, Upcoming.AddHours(Random.Shared.Next(1, 500)), 30, "UTC", "Grace", "s", owner);
        Assert.True(booked.IsSuccess, booked.Error?.Message);
        Assert.Equal([booked.Value!.Id], state.OwnedMeetingIds);

        Assert.Equal(booked.Value.Id, Assert.Single((await tools.UpcomingMeetingsAsync(visitor, DialogueHarness.Now.UtcDateTime, default))!).Id);
        Assert.True((await tools.CancelMeetingAsync(visitor, booked.Value.Id, default)).IsSuccess);
        Assert.Equal(MeetingStatus.Cancelled, await StatusOf(booked.Value.Id));

        var client = await harness.NewUserAsync(UserRole.Client, "Casey");
        var theirs = await harness.NewMeetingAsync(owner, Upcoming.AddHours(Random.Shared.Next(1, 500)), "Casey's review", new ParticipantInput(ParticipantKind.User, client.Id));
        var signedIn = new ChatPrincipal(DialogueHarness.ChatUserOf(client), new DialogueState());
        Assert.Contains((await tools.UpcomingMeetingsAsync(signedIn, DialogueHarness.Now.UtcDateTime, default))!, m => m.Id == theirs.Id);
        Assert.True((await tools.CancelMeetingAsync(signedIn, theirs.Id, default)).IsSuccess);
        Assert.Equal(MeetingStatus.Cancelled, await StatusOf(theirs.Id));
    }

    [Fact]
    public async Task An_anonymous_session_creates_at_most_its_quota_of_leads_and_meetings_and_signed_in_users_have_none()
    {
        var owner = await harness.NewUserAsync(UserRole.Admin, "Owner");
        var tools = Tools(owner.Id);
        var state = new DialogueState();
        var visitor = new ChatPrincipal(ChatUser.Visitor, state);
        Assert.NotNull((await tools.CreateLeadAsync(visitor, "Grace", $"g.{Guid.NewGuid():N}@navy.example", null, "Navy", null)).Id);
        Assert.True((await tools.BookMeetingAsync(visitor, Upcoming.AddHours(Random.Shared.Next(1, 500)), 30, "UTC", "Grace", "s", owner)).IsSuccess);

        var secondEmail = $"g2.{Guid.NewGuid():N}@navy.example";
        var secondLead = await tools.CreateLeadAsync(visitor, "Grace", secondEmail, null, "Navy", null);
        var secondMeeting = await tools.BookMeetingAsync(visitor, Upcoming.AddHours(Random.Shared.Next(600, 900)), 30, "UTC", "Grace", "s", owner);

        Assert.True(ChatTools.IsLimit(secondLead.Error!));
        Assert.True(ChatTools.IsLimit(secondMeeting.Error!));
        Assert.Single(state.OwnedLeadIds);
        Assert.Single(state.OwnedMeetingIds);
        Assert.Empty((await harness.Meetings.ListAsync(new MeetingListQuery { ParticipantKeys = [ParticipantKeys.Of(ParticipantKind.Email, secondEmail)] })).Items);

        var client = new ChatPrincipal(DialogueHarness.ChatUserOf(await harness.NewUserAsync(UserRole.Client, "Casey")), new DialogueState());
        for (var i = 0; i < 3; i++)
        {
            var meeting = await tools.BookMeetingAsync(client, Upcoming.AddDays(40 + i).AddHours(Random.Shared.Next(0, 12)), 30, "UTC", "Casey", "s", owner);
            Assert.True(meeting.IsSuccess, meeting.Error?.Message);
        }
    }

    [Theory]
    [InlineData("email")]
    [InlineData("phone")]
    public async Task The_dialogue_never_reveals_or_adopts_a_matched_lead(string matched)
    {
        var owner = await harness.NewUserAsync(UserRole.Admin, "Owner");
        var (victim, victimMeeting) = await VictimAsync(owner);
        var manager = harness.Manager(owner.Id);
        var contact = matched == "email" ? victim.Email! : $"mallory.{Guid.NewGuid():N}@evil.example, my phone is {victim.Phone}";
        var state = new DialogueState();
        var replies = new List<string>();
        var actions = new List<DialogueAction>();
        foreach (var text in new[] { "I'd like to talk to sales", "Mallory", contact, "Evil Corp", "pricing", "yes", "show my meetings", "cancel my next meeting", "yes" })
        {
            var turn = await manager.HandleAsync(state, text, ChatUser.Visitor, "s-victim");
            state = turn.State;
            replies.Add(turn.Reply);
            actions.AddRange(turn.Actions);
        }

        var transcript = string.Join("\n", replies);
        Assert.Equal(DialogueActions.LeadCreated, Assert.Single(actions).Type);
        Assert.DoesNotContain(victim.Id, transcript, StringComparison.Ordinal);
        Assert.DoesNotContain(actions, a => a.Id == victim.Id || a.Id == victimMeeting.Id);
        Assert.DoesNotContain("Victim roadmap", transcript, StringComparison.Ordinal);
        Assert.Contains("passed it on", replies[5], StringComparison.Ordinal);
        Assert.DoesNotContain(victim.Id, state.OwnedLeadIds);
        Assert.NotEqual(victim.Id, state.Created["lead"]);
        Assert.Equal(MeetingStatus.Scheduled, await StatusOf(victimMeeting.Id));
    }
}
