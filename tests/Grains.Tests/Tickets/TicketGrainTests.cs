using System.Text.Json.Nodes;
using CrmChatbot.Common;
using CrmChatbot.Tickets;
using CrmChatbot.Users;
using CrmChatbot.Storage.Sqlite;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Timeline;

namespace CrmChatbot.Grains.Tests.Tickets;

[Collection(ClusterCollection.Name)]
public class TicketGrainTests(ClusterFixture fixture)
{
    private static readonly Actor Agent = Actor.User("agent-1", UserRole.Agent, "Agent One");
    private static readonly Actor Client = Actor.User("client-1", UserRole.Client, "Client One");
    private static readonly Actor OtherClient = Actor.User("client-2", UserRole.Client, "Client Two");

    private ITicketNumberGrain Numbers => fixture.Grains.GetGrain<ITicketNumberGrain>(ITicketNumberGrain.Key);

    private async Task<TicketDto> CreateAsync(string subject = "Broken", TicketPriority priority = TicketPriority.Medium, Actor? actor = null)
    {
        actor ??= Agent;
        var result = await Numbers.CreateTicketAsync(new NewTicket(subject, Priority: priority, RequesterId: actor.IsStaff ? "client-1" : actor.UserId), actor);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }

    private static long NumberOf(TicketDto ticket) => TicketNumbers.TryParse(ticket.Number, out var n) ? n : -1;

    [Fact]
    public async Task Numbers_are_sequential_and_invalid_input_consumes_none()
    {
        var first = await CreateAsync("one");
        var refused = await Numbers.CreateTicketAsync(new NewTicket(""), Agent);
        var second = await CreateAsync("two");

        Assert.Equal(ErrorKind.Validation, refused.Error!.Kind);
        Assert.Equal(NumberOf(first) + 1, NumberOf(second));
    }

    [Fact]
    public async Task Concurrent_creates_from_many_callers_get_distinct_gap_free_numbers()
    {
        var before = NumberOf(await CreateAsync("before"));

        var created = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => CreateAsync($"concurrent {i}")));

        var numbers = created.Select(NumberOf).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, 30).Select(i => before + i).ToArray(), numbers);
        Assert.Equal(30, created.Select(t => t.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_reservation_left_by_a_crash_is_consumed_when_the_ticket_exists_and_released_when_not()
    {
        var last = NumberOf(await CreateAsync("baseline"));
        var numbers = fixture.Store;

        // Crash after the reservation, before the ticket was created: the number is released.
        await fixture.DeactivateAllAsync();
        SetPending(numbers, Guid.NewGuid().ToString());
        var afterLost = await CreateAsync("after a lost creation");
        Assert.Equal(last + 1, NumberOf(afterLost));

        // Crash after the ticket was created, before the counter advanced: the number stays taken.
        var orphanId = Guid.NewGuid().ToString();
        Assert.True((await fixture.Grains.GetGrain<ITicketGrain>(orphanId).CreateAsync(last + 2, new NewTicket("orphan"), Agent)).IsSuccess);
        await fixture.DeactivateAllAsync();
        SetPending(numbers, orphanId);
        var afterCreated = await CreateAsync("after a completed creation");
        Assert.Equal(last + 3, NumberOf(afterCreated));
    }

    private static void SetPending(SqliteStore store, string ticketId)
    {
        var state = store.State(TicketStorage.TicketNumbers, ITicketNumberGrain.Key)!;
        state["pending_ticket_id"] = ticketId;
        store.SetState(TicketStorage.TicketNumbers, ITicketNumberGrain.Key, state);
    }

    [Fact]
    public async Task Clients_see_only_their_tickets_and_public_comments()
    {
        var ticket = await CreateAsync("visibility");
        var grain = fixture.Grains.GetGrain<ITicketGrain>(ticket.Id);
        await grain.AddCommentAsync(new NewTicketComment("public reply"), Agent);
        await grain.AddCommentAsync(new NewTicketComment("internal note", Internal: true), Agent);

        Assert.NotNull(await grain.GetAsync(Client));
        Assert.Null(await grain.GetAsync(OtherClient));
        Assert.Equal(ErrorKind.NotFound, (await grain.GetCommentsAsync(OtherClient, 50, 0)).Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await grain.AddCommentAsync(new NewTicketComment("hi"), OtherClient)).Error!.Kind);
        Assert.Equal(["public reply"], (await grain.GetCommentsAsync(Client, 50, 0)).Value!.Items.Select(c => c.Body));
        Assert.Equal(["public reply", "internal note"], (await grain.GetCommentsAsync(Agent, 50, 0)).Value!.Items.Select(c => c.Body));
        Assert.NotNull((await grain.GetAsync(Agent))!.FirstResponseAt);
    }

    [Fact]
    public async Task An_invalid_transition_is_a_conflict_and_changes_nothing()
    {
        var ticket = await CreateAsync("workflow");
        var grain = fixture.Grains.GetGrain<ITicketGrain>(ticket.Id);
        await grain.UpdateAsync(new TicketPatch { Status = Optional<TicketStatus>.Of(TicketStatus.Closed) }, Agent);

        var refused = await grain.UpdateAsync(new TicketPatch { Status = Optional<TicketStatus>.Of(TicketStatus.InProgress) }, Agent);

        Assert.Equal(ErrorKind.Conflict, refused.Error!.Kind);
        Assert.Contains("allowed next statuses: open", refused.Error.Message, StringComparison.Ordinal);
        Assert.Equal(TicketStatus.Closed, (await grain.GetAsync(Agent))!.Status);
    }

    [Fact]
    public async Task The_sla_reminder_is_registered_and_its_handler_flags_the_breach_once_the_clock_is_past_due()
    {
        var ticket = await CreateAsync("sla", TicketPriority.Urgent); // first response due in 1 hour
        var grain = fixture.Grains.GetGrain<ITicketGrain>(ticket.Id);

        var reminder = Assert.Single(fixture.Store.Reminders(), d => d.GrainId.EndsWith("/" + ticket.Id, StringComparison.Ordinal));
        Assert.Equal(TicketGrain.SlaReminder, reminder.ReminderName);

        // Before the due time the handler changes nothing.
        await grain.AsReference<IRemindable>().ReceiveReminder(TicketGrain.SlaReminder, default);
        Assert.False((await grain.GetAsync(Agent))!.SlaBreached);

        TestClock.Shared.Advance(TimeSpan.FromHours(2));
        try
        {
            await grain.AsReference<IRemindable>().ReceiveReminder(TicketGrain.SlaReminder, default);
        }
        finally
        {
            TestClock.Shared.Reset();
        }

        var breached = (await grain.GetAsync(Agent))!;
        Assert.True(breached.SlaBreached);
        Assert.True(breached.Sla!.FirstResponseBreached);
        Assert.False(breached.Sla.ResolutionBreached);
        var entries = fixture.Store.Timeline().Where(d => d[TimelineDocuments.EntityId]!.GetValue<string>() == ticket.Id).ToList();
        var entry = Assert.Single(entries, d => d["action"]!.GetValue<string>() == "sla_breached");
        Assert.Equal("first_response", entry["note"]!.GetValue<string>());

        // The flag is in the stored document, so the list filter sla_breached=true finds it.
        var queries = new TicketQueries(new SqliteDocumentQueries(fixture.Store));
        var number = NumberOf(ticket);
        Assert.Equal([ticket.Id], (await queries.ListAsync(new TicketListQuery { SlaBreached = true, Number = number })).Items.Select(t => t.Id));
        Assert.Empty((await queries.ListAsync(new TicketListQuery { SlaBreached = false, Number = number })).Items);

        // Resolved in time for resolution: nothing is pending any more, so the reminder is removed.
        await grain.UpdateAsync(new TicketPatch { Status = Optional<TicketStatus>.Of(TicketStatus.Resolved) }, Agent);
        Assert.DoesNotContain(fixture.Store.Reminders(), d => d.GrainId.EndsWith("/" + ticket.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task State_and_comments_survive_deactivation()
    {
        var ticket = await CreateAsync("durable");
        var grain = fixture.Grains.GetGrain<ITicketGrain>(ticket.Id);
        await grain.AddCommentAsync(new NewTicketComment("kept"), Client);
        await grain.UpdateAsync(new TicketPatch { Tags = Optional<IReadOnlyList<string>>.Of(["VIP", "vip", "Billing"]) }, Agent);

        await fixture.DeactivateAllAsync();
        var read = (await grain.GetAsync(Agent))!;

        Assert.Equal(["vip", "billing"], read.Tags);
        Assert.Equal(["kept"], (await grain.GetCommentsAsync(Agent, 50, 0)).Value!.Items.Select(c => c.Body));
        Assert.Equal(ticket.Number, read.Number);
    }

    /// <summary>
    /// On the embedded store a comment is a row of the ticket's own write: stored in the ticket's transaction (with
    /// its timeline entry), never in the ticket's document, not even until the next write.
    /// </summary>
    [Fact]
    public async Task A_comment_is_stored_in_the_tickets_transaction_and_never_in_its_document()
    {
        var ticket = await CreateAsync("one write");
        var grain = fixture.Grains.GetGrain<ITicketGrain>(ticket.Id);

        var added = (await grain.AddCommentAsync(new NewTicketComment("in the ticket's write"), Agent)).Value!;

        Assert.Empty(fixture.Store.State(TicketStorage.Tickets, ticket.Id)!["pending_comments"]!.AsArray());
        Assert.Equal([added.Id], (await grain.GetCommentsAsync(Agent, 50, 0)).Value!.Items.Select(c => c.Id));
    }

    /// <summary>
    /// The grain's comment outbox: a comment stored with an acknowledged change but not appended (the silo died, or
    /// the comment store failed) is appended when the ticket next activates, and listed; then the outbox is emptied.
    /// </summary>
    [Fact]
    public async Task A_comment_left_in_the_outbox_is_appended_when_the_ticket_activates()
    {
        var ticket = await CreateAsync("outbox");
        var grain = fixture.Grains.GetGrain<ITicketGrain>(ticket.Id);
        await grain.AddCommentAsync(new NewTicketComment("appended at once"), Client);

        await fixture.DeactivateAllAsync();
        var doc = fixture.Store.State(TicketStorage.Tickets, ticket.Id)!;
        doc["pending_comments"] = new JsonArray(new JsonObject
        {
            ["id"] = "outbox-" + ticket.Id,
            ["ticket_id"] = ticket.Id,
            ["seq"] = 2,
            ["author_id"] = "agent-1",
            ["author_name"] = "Agent One",
            ["author_is_staff"] = true,
            ["body"] = "left in the outbox",
            ["internal"] = false,
            ["created_at"] = "2026-01-01T10:00:00.000Z",
        });
        doc["comment_count"] = 2;
        fixture.Store.SetState(TicketStorage.Tickets, ticket.Id, doc);

        Assert.Equal(["appended at once", "left in the outbox"], (await grain.GetCommentsAsync(Agent, 50, 0)).Value!.Items.Select(c => c.Body));
        await grain.UpdateAsync(new TicketPatch { Tags = Optional<IReadOnlyList<string>>.Of(["outbox"]) }, Agent);
        Assert.Empty(fixture.Store.State(TicketStorage.Tickets, ticket.Id)!["pending_comments"]!.AsArray());
        Assert.Equal(2, (await grain.GetCommentsAsync(Agent, 50, 0)).Value!.Total);
    }
}
