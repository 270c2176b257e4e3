using CrmChatbot.Chat.Dialogue;
using CrmChatbot.Chat.Dialogue.Forms;
using CrmChatbot.Chat.Language;
using CrmChatbot.Chat.Llm;
using CrmChatbot.Grains.Tests.Chat.Dialogue;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Meetings;
using CrmChatbot.Tickets;
using CrmChatbot.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Grains.Tests.Chat.Llm;

[Collection(ClusterCollection.Name)]
public sealed class LlmDialogueManagerTests(ClusterFixture fixture) : IAsyncLifetime
{
    private readonly DialogueHarness harness = new(fixture);
    private FakeOpenAiServer server = null!;
    private string ownerId = null!;

    public async Task InitializeAsync()
    {
        server = await FakeOpenAiServer.StartAsync();
        ownerId = (await harness.NewUserAsync(UserRole.Admin, "Bot Owner")).Id;
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private LlmDialogueManager Manager(TimeSpan? timeout = null)
    {
        var settings = new LlmSettings(server.Endpoint, "sk-test-key", "test-model", timeout ?? TimeSpan.FromSeconds(10));
        var options = Options.Create(new ChatOptions { BotOwnerUserId = ownerId, Llm = settings });
        return new LlmDialogueManager(
            harness.Manager(ownerId), LlmDialogueManager.CreateClient(settings),
            new ChatTools(harness.Grains, harness.Users, harness.Tickets, harness.Meetings, options),
            new FixedClock(DialogueHarness.Now), settings, options, NullLogger<LlmDialogueManager>.Instance);
    }

    [Fact]
    public async Task A_create_lead_tool_call_creates_the_lead_as_the_chatbot_and_reports_it()
    {
        var email = $"ada-{Guid.NewGuid():N}@acme.test";
        server.EnqueueToolCall("create_lead", new { name = "Ada Lovelace", email, company = "Acme", need = "a demo" });
        server.EnqueueText("Thanks Ada, a colleague will be in touch.");

        var turn = await Manager().HandleAsync(new DialogueState(), "I'm Ada from Acme, " + email + ", I'd like a demo", ChatUser.Visitor, "s-llm");

        Assert.Equal("Thanks Ada, a colleague will be in touch.", turn.Reply);
        var action = Assert.Single(turn.Actions);
        Assert.Equal(DialogueActions.LeadCreated, action.Type);
        Assert.Equal(action.Id, turn.State.Created["lead"]);
        var lead = await harness.Grains.GetGrain<ILeadGrain>(action.Id).GetAsync();
        Assert.NotNull(lead);
        Assert.Equal(LeadSource.Chatbot, lead.Source);
        Assert.Equal(email, lead.Email);
        Assert.Equal("Via chat: a demo", lead.Notes);

        // The model saw the tools and, in its second call, the tool's result.
        var requests = server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Contains(requests[0]["tools"]!.AsArray(), t => (string?)t!["function"]!["name"] == "book_meeting");
        Assert.Contains(requests[1]["messages"]!.AsArray(), m => (string?)m!["role"] == "tool" && ((string?)m["content"])!.Contains("Done: lead_created " + action.Id, StringComparison.Ordinal));
        Assert.DoesNotContain("sk-test-key", requests[0].ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_model_is_offered_one_tool_per_form_with_the_form_s_slots_as_parameters()
    {
        server.EnqueueText("Hello!");

        await Manager().HandleAsync(new DialogueState(), "hi", ChatUser.Visitor, "s-llm-tools");

        var offered = server.Requests.First()["tools"]!.AsArray().Select(t => t!["function"]!)
            .ToDictionary(f => (string)f["name"]!, f => f["parameters"]!["properties"]!.AsObject().Select(p => p.Key).Order().ToList());
        var forms = ChatForm.All.Values.ToDictionary(f => f.ToolName, f => f.ToolParameters.Keys.Order().ToList());
        Assert.Equal(forms.Keys.Order(), offered.Keys.Order());
        foreach (var (name, parameters) in forms)
        {
            Assert.Equal(parameters, offered[name]);
        }

        Assert.Equal([SlotKeys.MeetingRef], offered["cancel_meeting"]);
    }

    [Fact]
    public async Task A_tool_call_runs_the_form_so_a_description_alone_gets_its_subject()
    {
        var client = await harness.NewUserAsync(UserRole.Client, "Casey Client");
        server.EnqueueToolCall("open_ticket", new { description = "Exports to CSV time out after a minute", priority = "high" });
        server.EnqueueText("Your ticket is open.");

        var turn = await Manager().HandleAsync(new DialogueState(), "exports time out, quite important", DialogueHarness.ChatUserOf(client), "s-llm-ticket");

        var action = Assert.Single(turn.Actions);
        Assert.Equal(DialogueActions.TicketCreated, action.Type);
        var ticket = (await harness.Grains.GetGrain<ITicketGrain>(action.Id).GetAsync(Actor.System))!;
        Assert.Equal("Exports to CSV time out after a minute", ticket.Subject);
        Assert.Equal(TicketPriority.High, ticket.Priority);
        Assert.Equal(client.Id, ticket.RequesterId);
        Assert.Null(turn.State.PendingIntent);
    }

    /// <summary>
    /// The form starts as in the deterministic engine (its Started hook included): a description that only asks for a
    /// ticket is no description, so the tool asks for one instead of opening a ticket that says nothing.
    /// </summary>
    [Theory]
    [InlineData("I want to open a ticket")]
    [InlineData("please open a new support ticket for me")]
    [InlineData("")]
    public async Task A_ticket_tool_call_whose_description_says_nothing_asks_for_the_problem_and_opens_no_ticket(string description)
    {
        var client = await harness.NewUserAsync(UserRole.Client, "Vera Vague");
        server.EnqueueToolCall("open_ticket", new { description, priority = "high" });
        server.EnqueueText("Sure, what is the problem?");

        var turn = await Manager().HandleAsync(new DialogueState(), "I want to open a ticket", DialogueHarness.ChatUserOf(client), "s-llm-vague");

        Assert.Equal("Sure, what is the problem?", turn.Reply);
        Assert.Empty(turn.Actions);
        Assert.Null(turn.State.PendingIntent);
        Assert.Empty(turn.State.Slots);
        var toolResult = (string?)server.Requests.Last()["messages"]!.AsArray().Single(m => (string?)m!["role"] == "tool")!["content"];
        Assert.Equal("Not done: description is missing. Please describe the problem in a sentence or two.", toolResult);
        Assert.Equal(0, await harness.Tickets.CountOpenAsync(client.Id));
    }

    [Fact]
    public async Task A_visitor_s_booking_tool_call_makes_the_lead_and_the_meeting_like_the_form_does()
    {
        var email = $"grace-{Guid.NewGuid():N}@navy.example";
        server.EnqueueToolCall("book_meeting", new { name = "Grace Hopper", email, start = "2030-01-16T10:00:00Z", duration_minutes = 45 });
        server.EnqueueText("Booked.");

        var turn = await Manager().HandleAsync(new DialogueState { TimeZone = "Europe/Berlin" }, "book me wednesday 11am", ChatUser.Visitor, "s-llm-book");

        Assert.Equal([DialogueActions.LeadCreated, DialogueActions.MeetingBooked], turn.Actions.Select(a => a.Type));
        var meeting = (await harness.Grains.GetGrain<IMeetingGrain>(turn.Actions[1].Id).GetAsync())!;
        Assert.Equal(new DateTime(2030, 1, 16, 10, 0, 0, DateTimeKind.Utc), meeting.Date);
        Assert.Equal(45, meeting.DurationMinutes);
        Assert.Equal(turn.Actions[0].Id, meeting.LeadId);
    }

    [Fact]
    public async Task A_ticket_tool_call_from_a_visitor_is_refused_like_the_deterministic_engine_does()
    {
        server.EnqueueToolCall("open_ticket", new { subject = "Broken", description = "It is broken", priority = "high" });
        server.EnqueueText("Please sign in to open a ticket.");

        var turn = await Manager().HandleAsync(new DialogueState(), "open a ticket: it is broken", ChatUser.Visitor, "s-llm");

        Assert.Equal("Please sign in to open a ticket.", turn.Reply);
        Assert.Empty(turn.Actions);
        Assert.Contains("signed-in", server.Requests.Last()["messages"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_error_falls_back_to_the_deterministic_engine_for_that_turn()
    {
        server.EnqueueStatus(500);
        var expected = await harness.Manager(ownerId).HandleAsync(new DialogueState(), "I want to book a demo", ChatUser.Visitor, "s-llm");

        var turn = await Manager().HandleAsync(new DialogueState(), "I want to book a demo", ChatUser.Visitor, "s-llm");

        Assert.Equal(expected.Reply, turn.Reply);
        Assert.Equal(expected.Intent, turn.Intent);
        Assert.Equal(expected.State.PendingIntent, turn.State.PendingIntent);
        Assert.Single(server.Requests); // no retries: the fallback answers at once
    }

    [Fact]
    public async Task A_slow_server_falls_back_after_the_timeout()
    {
        server.EnqueueDelay(TimeSpan.FromSeconds(30));
        var expected = await harness.Manager(ownerId).HandleAsync(new DialogueState(), "hello", ChatUser.Visitor, "s-llm");
        var started = DateTime.UtcNow;

        var turn = await Manager(TimeSpan.FromMilliseconds(500)).HandleAsync(new DialogueState(), "hello", ChatUser.Visitor, "s-llm");

        Assert.Equal(expected.Reply, turn.Reply);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_empty_answer_falls_back_to_the_deterministic_engine()
    {
        server.EnqueueText("");
        var expected = await harness.Manager(ownerId).HandleAsync(new DialogueState(), "hello", ChatUser.Visitor, "s-llm");

        var turn = await Manager().HandleAsync(new DialogueState(), "hello", ChatUser.Visitor, "s-llm");

        Assert.Equal(expected.Reply, turn.Reply);
    }

    [Fact]
    public async Task The_model_cannot_list_or_cancel_the_meetings_of_a_lead_matched_by_its_email()
    {
        var owner = await harness.NewUserAsync(UserRole.Admin, "Owner Two");
        var victimEmail = $"victim-{Guid.NewGuid():N}@example.com";
        var victim = (await harness.Grains.GetGrain<ILeadGrain>(Guid.CreateVersion7().ToString())
            .CreateAsync(new NewLead("Victoria Victim", victimEmail), Actor.System)).Value!;
        var meeting = await harness.NewMeetingAsync(owner, DialogueHarness.Now.UtcDateTime.AddDays(5).AddHours(Random.Shared.Next(0, 200)), "Victim roadmap review",
            new ParticipantInput(ParticipantKind.Lead, victim.Id));

        server.EnqueueToolCall("create_lead", new { name = "Mallory", email = victimEmail, company = "Evil Corp", need = "pricing" });
        server.EnqueueText("Thanks, a colleague will be in touch.");
        var created = await Manager().HandleAsync(new DialogueState(), "I'm Mallory, " + victimEmail, ChatUser.Visitor, "s-llm-victim");
        server.EnqueueToolCall("list_meetings", new { });
        server.EnqueueText("Here are your meetings.");
        var listed = await Manager().HandleAsync(created.State, "show my meetings", ChatUser.Visitor, "s-llm-victim");
        server.EnqueueToolCall("cancel_meeting", new { meeting_id = meeting.Id });
        server.EnqueueText("Done.");
        var cancelled = await Manager().HandleAsync(listed.State, "cancel " + meeting.Id, ChatUser.Visitor, "s-llm-victim");

        var action = Assert.Single(created.Actions);
        Assert.Equal(DialogueActions.LeadCreated, action.Type);
        Assert.NotEqual(victim.Id, action.Id);
        var toolResults = string.Join("\n", server.Requests.SelectMany(r => r["messages"]!.AsArray())
            .Where(m => (string?)m!["role"] == "tool").Select(m => (string?)m!["content"]));
        Assert.DoesNotContain(victim.Id, toolResults, StringComparison.Ordinal);
        Assert.DoesNotContain(meeting.Id + ":", toolResults, StringComparison.Ordinal); // list_meetings showed nothing of the victim
        Assert.Contains("no upcoming meetings to cancel", toolResults, StringComparison.Ordinal);
        Assert.Empty(listed.Actions);
        Assert.Empty(cancelled.Actions);
        Assert.Equal(MeetingStatus.Scheduled, (await harness.Grains.GetGrain<IMeetingGrain>(meeting.Id).GetAsync())!.Status);
    }

    [Fact]
    public void Without_settings_the_deterministic_manager_is_registered_and_with_them_the_model_one()
    {
        static IDialogueManager Resolve(LlmSettings? llm)
        {
            var services = new ServiceCollection().AddLogging();
            services.AddSingleton<IGrainFactory>(_ => null!);
            services.AddSingleton<IUserQueries>(_ => null!);
            services.AddSingleton<CrmChatbot.Tickets.ITicketQueries>(_ => null!);
            services.AddSingleton<CrmChatbot.Meetings.IMeetingQueries>(_ => null!);
            services.AddCrmChat(o => o.Llm = llm);
            return services.BuildServiceProvider().GetRequiredService<IDialogueManager>();
        }

        Assert.IsType<DialogueManager>(Resolve(null));
        Assert.IsType<LlmDialogueManager>(Resolve(new LlmSettings(new Uri("http://127.0.0.1:1/v1"), "k", "m", TimeSpan.FromSeconds(5))));
    }
}
