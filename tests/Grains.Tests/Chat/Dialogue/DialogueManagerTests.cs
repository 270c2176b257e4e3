using CrmChatbot.Chat.Dialogue;
using CrmChatbot.Chat.Language;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Meetings;
using CrmChatbot.Tickets;
using CrmChatbot.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;

namespace CrmChatbot.Grains.Tests.Chat.Dialogue;

[Collection(ClusterCollection.Name)]
public sealed class DialogueManagerTests(ClusterFixture fixture)
{
    private readonly DialogueHarness harness = new(fixture);

    private static async Task<DialogueTurn> SayAllAsync(IDialogueManager manager, ChatUser user, params string[] messages)
    {
        var state = new DialogueState { TimeZone = "Europe/Berlin" };
        DialogueTurn? turn = null;
        foreach (var message in messages)
        {
            turn = await manager.HandleAsync(state, message, user, "test-session");
            state = turn.State;
        }

        return turn!;
    }

    /// <summary>A manager with a bot owner, and a signed-in client to chat as.</summary>
    private async Task<(DialogueManager Manager, ChatUser User)> ClientChatAsync()
    {
        var owner = await harness.NewUserAsync(UserRole.Admin, "Owner");
        var account = await harness.NewUserAsync(UserRole.Client, "Casey Client");
        return (harness.Manager(owner.Id), DialogueHarness.ChatUserOf(account));
    }

    [Fact]
    public async Task The_silo_registers_the_manager_with_the_shipped_faq()
    {
        var services = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services;
        var manager = services.GetRequiredService<IDialogueManager>();

        var turn = await manager.HandleAsync(new DialogueState(), "What are your opening hours?", ChatUser.Visitor, "s");

        Assert.Equal(Intent.Faq, turn.Intent);
        var expected = services.GetRequiredService<FaqKnowledge>().Entries.Single(e => e.Id == "opening-hours").Answer;
        Assert.Contains(expected, turn.Reply, StringComparison.Ordinal);
        Assert.Equal("faq.sample.json", services.GetRequiredService<IOptions<ChatOptions>>().Value.FaqPath);
    }

    [Fact]
    public async Task The_state_passed_in_is_left_unchanged()
    {
        var owner = await harness.NewUserAsync(UserRole.Admin, "Owner");
        var state = new DialogueState { TimeZone = "Europe/Berlin" };

        var turn = await harness.Manager(owner.Id).HandleAsync(state, "I'd like a demo", ChatUser.Visitor, "s");

        Assert.Null(state.PendingIntent);
        Assert.Empty(state.Slots);
        Assert.Equal(Intent.CreateLead, turn.State.PendingIntent);
        Assert.Equal(SlotKeys.Name, turn.State.ExpectedSlot);
    }

    [Fact]
    public async Task A_lead_created_in_chat_is_authored_by_the_chatbot_and_keeps_the_request()
    {
        var owner = await harness.NewUserAsync(UserRole.Admin, "Owner");
        var email = $"bot-{Guid.NewGuid():N}@acme.io";

        var turn = await SayAllAsync(harness.Manager(owner.Id), ChatUser.Visitor,
            $"Hi, I'm Ada Lovelace from Acme, {email}, interested in the analytics module", "yes");

        var action = Assert.Single(turn.Actions);
        Assert.Equal(DialogueActions.LeadCreated, action.Type);
        var lead = (await fixture.Grains.GetGrain<ILeadGrain>(action.Id).GetAsync())!;
        Assert.Equal(LeadSource.Chatbot, lead.Source);
        Assert.Contains("analytics module", lead.Notes, StringComparison.Ordinal);
        Assert.Equal(action.Id, turn.State.Created["lead"]);
        Assert.Null(turn.State.PendingIntent);
    }

    [Fact]
    public async Task A_duration_the_meeting_rules_refuse_is_asked_again_naming_the_rule()
    {
        var owner = await harness.NewUserAsync(UserRole.Admin, "Owner");
        var client = DialogueHarness.ChatUserOf(await harness.NewUserAsync(UserRole.Client, "Casey"));
        var manager = harness.Manager(owner.Id);

        var refused = await SayAllAsync(manager, client, "book a 30 hour meeting tomorrow at 9am", "yes");

        Assert.Empty(refused.Actions);
        Assert.Contains("from 5 to 1440 minutes", refused.Reply, StringComparison.Ordinal);
        Assert.Equal(SlotKeys.DurationMinutes, refused.State.ExpectedSlot);

        var fixedUp = await manager.HandleAsync(refused.State, "1 hour", client, "s");
        Assert.True(fixedUp.State.AwaitingConfirmation, fixedUp.Reply);
        var booked = await manager.HandleAsync(fixedUp.State, "yes", client, "s");
        var meeting = (await fixture.Grains.GetGrain<IMeetingGrain>(Assert.Single(booked.Actions).Id).GetAsync())!;
        Assert.Equal(60, meeting.DurationMinutes);
        Assert.Equal(owner.Id, meeting.OrganizerId);
    }

    [Fact]
    public async Task Without_a_configured_owner_the_first_active_admin_organizes()
    {
        await harness.NewUserAsync(UserRole.Admin, "Some Admin");
        var client = DialogueHarness.ChatUserOf(await harness.NewUserAsync(UserRole.Client, "Casey"));
        var manager = new DialogueManager(new LanguageEngine(), LanguageTestSupport.Faq, fixture.Grains, harness.Users, harness.Tickets,
            harness.Meetings, new FixedClock(DialogueHarness.Now.AddDays(200)), Options.Create(new ChatOptions()));

        var turn = await SayAllAsync(manager, client, "book a meeting tomorrow at 7am", "yes");

        var meeting = (await fixture.Grains.GetGrain<IMeetingGrain>(Assert.Single(turn.Actions).Id).GetAsync())!;
        var organizer = await harness.Users.FindByIdAsync(meeting.OrganizerId);
        Assert.Equal(UserRole.Admin, organizer!.Role);
        Assert.True(organizer.IsActive);
    }

    [Fact]
    public async Task A_visitor_sees_the_meetings_of_the_lead_made_in_this_chat()
    {
        var owner = await harness.NewUserAsync(UserRole.Admin, "Owner");
        var manager = harness.Manager(owner.Id);
        var booked = await SayAllAsync(manager, ChatUser.Visitor,
            "Can we schedule a call tomorrow at 3pm?", "Grace Hopper", $"grace-{Guid.NewGuid():N}@navy.example", "yes");
        Assert.Equal([DialogueActions.LeadCreated, DialogueActions.MeetingBooked], booked.Actions.Select(a => a.Type));

        var listed = await manager.HandleAsync(booked.State, "what meetings do I have?", ChatUser.Visitor, "s");

        Assert.Contains("Tue 15 Jan 2030 at 15:00 (Europe/Berlin)", listed.Reply, StringComparison.Ordinal);
        var visitorWithoutLead = await manager.HandleAsync(new DialogueState(), "what meetings do I have?", ChatUser.Visitor, "s");
        Assert.Contains("sign in", visitorWithoutLead.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_user_is_not_asked_for_name_or_email()
    {
        var owner = await harness.NewUserAsync(UserRole.Admin, "Owner");
        var account = await harness.NewUserAsync(UserRole.Client, "Casey Client");

        var turn = await SayAllAsync(harness.Manager(owner.Id), DialogueHarness.ChatUserOf(account), "I'm interested in the analytics module");

        Assert.Equal(SlotKeys.Company, turn.State.ExpectedSlot);
        Assert.Equal(account.Email, turn.State.Slots[SlotKeys.Email]);
    }

    [Fact]
    public async Task A_contact_request_without_a_need_confirms_and_keeps_the_request_as_the_note()
    {
        var owner = await harness.NewUserAsync(UserRole.Admin, "Owner");
        var email = $"helga-{Guid.NewGuid():N}@fjellsport.example";
        var manager = harness.Manager(owner.Id);

        var confirm = await SayAllAsync(manager, ChatUser.Visitor,
            "could one of your people in sales contact me", $"Helga Lund, {email}, Fjellsport");

        Assert.True(confirm.State.AwaitingConfirmation);
        Assert.Contains($"Shall I pass this on: Helga Lund, {email}, Fjellsport? yes/no", confirm.Reply, StringComparison.Ordinal);
        var done = await manager.HandleAsync(confirm.State, "yes", ChatUser.Visitor, "test-session");
        var lead = (await fixture.Grains.GetGrain<ILeadGrain>(Assert.Single(done.Actions).Id).GetAsync())!;
        Assert.Equal("Fjellsport", lead.Company);
        Assert.Contains("could one of your people in sales contact me", lead.Notes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_detail_at_the_ticket_confirmation_is_added_to_the_description_and_confirmed_again()
    {
        var (manager, user) = await ClientChatAsync();

        var detail = await SayAllAsync(manager, user,
            "the calendar sync has stopped working", "it says the Outlook token expired and no new entries arrive");

        Assert.Equal(Intent.OpenTicket, detail.State.PendingIntent);
        Assert.True(detail.State.AwaitingConfirmation);
        Assert.Contains("I've added that", detail.Reply, StringComparison.Ordinal);
        Assert.Contains("Shall I open a ticket \"The calendar sync has stopped working\"", detail.Reply, StringComparison.Ordinal);
        var done = await manager.HandleAsync(detail.State, "yes", user, "test-session");
        var ticket = (await fixture.Grains.GetGrain<ITicketGrain>(Assert.Single(done.Actions).Id).GetAsync(Actor.System))!;
        Assert.Equal("The calendar sync has stopped working", ticket.Subject);
        Assert.Equal("the calendar sync has stopped working\nit says the Outlook token expired and no new entries arrive", ticket.Description);
    }

    [Fact]
    public async Task A_lookup_at_a_confirmation_is_answered_and_the_task_goes_on()
    {
        var (manager, user) = await ClientChatAsync();

        var lookup = await SayAllAsync(manager, user, "the calendar sync has stopped working", "what meetings do I have?");

        Assert.Contains("no upcoming meetings", lookup.Reply, StringComparison.Ordinal);
        Assert.Contains("Shall I open a ticket \"The calendar sync has stopped working\"", lookup.Reply, StringComparison.Ordinal);
        var done = await manager.HandleAsync(lookup.State, "yes", user, "test-session");
        Assert.Equal(DialogueActions.TicketCreated, Assert.Single(done.Actions).Type);
    }

    [Fact]
    public async Task Asking_for_the_same_task_again_at_its_confirmation_keeps_what_was_collected()
    {
        var (manager, user) = await ClientChatAsync();

        var ticket = await SayAllAsync(manager, user, "the calendar sync has stopped working", "I want to open a ticket please");
        var meeting = await SayAllAsync(manager, user, "book a meeting tomorrow at 3pm", "book a meeting");

        Assert.True(ticket.State.AwaitingConfirmation);
        Assert.Equal("the calendar sync has stopped working", ticket.State.Slots[SlotKeys.Description]);
        Assert.True(meeting.State.AwaitingConfirmation);
        Assert.Contains("Shall I book a 30-minute meeting on Tue 15 Jan 2030 at 15:00", meeting.Reply, StringComparison.Ordinal);
    }

    /// <summary>The deterministic side of the language-model tool test with the same words: the form's start drops the request as description.</summary>
    [Fact]
    public async Task Asking_for_a_ticket_without_saying_what_is_wrong_asks_for_the_problem()
    {
        var (manager, user) = await ClientChatAsync();

        var turn = await SayAllAsync(manager, user, "I want to open a ticket");

        Assert.Equal(Intent.OpenTicket, turn.State.PendingIntent);
        Assert.Equal(SlotKeys.Description, turn.State.ExpectedSlot);
        Assert.Empty(turn.State.Slots);
        Assert.Equal("Please describe the problem in a sentence or two.", turn.Reply);
        Assert.Empty(turn.Actions);
    }

    [Fact]
    public async Task Handoff_is_reported_in_the_turn_and_kept_in_the_state()
    {
        var owner = await harness.NewUserAsync(UserRole.Admin, "Owner");

        var turn = await SayAllAsync(harness.Manager(owner.Id), ChatUser.Visitor, "I'd like a demo", "can I speak to a person?");

        Assert.True(turn.HandoffRequested);
        Assert.True(turn.State.HandoffRequested);
        Assert.Null(turn.State.PendingIntent);
        Assert.Equal(new DialogueAction(DialogueActions.HandoffRequested, "test-session"), Assert.Single(turn.Actions));
    }
}
