using System.Text.Json.Nodes;
using CrmChatbot.Common;
using CrmChatbot.Tickets;
using CrmChatbot.Users;

namespace CrmChatbot.Grains.Tests.Tickets;

/// <summary>
/// What a client can add to the store (issue #12, findings 11, 12 and 19): quotas counted by the grains, comments
/// stored one row each outside the ticket's document (and moved out of documents that still embed them), and the
/// client's view of a ticket.
/// </summary>
[Collection(ClusterCollection.Name)]
public class TicketQuotaGrainTests(ClusterFixture fixture)
{
    private static readonly Actor Agent = Actor.User("agent-1", UserRole.Agent, "Agent One");

    private ITicketNumberGrain Numbers => fixture.Grains.GetGrain<ITicketNumberGrain>(ITicketNumberGrain.Key);

    private static Actor NewClient() => Actor.User("quota-client-" + Guid.NewGuid().ToString("N")[..8], UserRole.Client, "Quota Client");

    private async Task<ITicketGrain> CreateAsync(Actor requester, Actor? by = null)
    {
        var result = await Numbers.CreateTicketAsync(new NewTicket("quota", RequesterId: requester.UserId), by ?? requester);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return fixture.Grains.GetGrain<ITicketGrain>(result.Value!.Id);
    }

    private static TicketPatch Move(TicketStatus status) => new() { Status = Optional<TicketStatus>.Of(status) };

    [Fact]
    public async Task A_client_may_close_and_reopen_a_ticket_only_so_often_a_day_and_the_refusal_changes_nothing()
    {
        var client = NewClient();
        var grain = await CreateAsync(client);
        var quota = new TicketQuotaOptions().ClientStatusChangesPerDay;
        for (var i = 0; i < quota; i++)
        {
            Assert.True((await grain.UpdateAsync(Move(i % 2 == 0 ? TicketStatus.Closed : TicketStatus.Open), client)).IsSuccess);
        }

        var before = (await grain.GetAsync(Agent))!;
        var refused = await grain.UpdateAsync(Move(before.Status == TicketStatus.Open ? TicketStatus.Closed : TicketStatus.Open), client);

        Assert.Equal(ErrorKind.Throttled, refused.Error!.Kind);
        Assert.InRange(refused.Error.RetryAfterSeconds!.Value, 1, 24 * 3600);
        Assert.Equal(before.Version, (await grain.GetAsync(Agent))!.Version);
        // Staff are not limited by the client quota.
        Assert.True((await grain.UpdateAsync(Move(before.Status == TicketStatus.Open ? TicketStatus.Closed : TicketStatus.Open), Agent)).IsSuccess);
    }

    [Fact]
    public async Task A_client_may_comment_on_a_ticket_only_so_often_an_hour()
    {
        var client = NewClient();
        var grain = await CreateAsync(client);
        var quota = new TicketQuotaOptions().ClientCommentsPerHour;
        for (var i = 0; i < quota; i++)
        {
            Assert.True((await grain.AddCommentAsync(new NewTicketComment($"reply {i}"), client)).IsSuccess);
        }

        var refused = await grain.AddCommentAsync(new NewTicketComment("one too many"), client);

        Assert.Equal(ErrorKind.Throttled, refused.Error!.Kind);
        Assert.InRange(refused.Error.RetryAfterSeconds!.Value, 1, 3600);
        Assert.True((await grain.AddCommentAsync(new NewTicketComment("staff reply"), Agent)).IsSuccess);
        Assert.Equal(quota + 1, (await grain.GetCommentsAsync(client, 1, 0)).Value!.Total);
    }

    [Fact]
    public async Task A_client_may_have_only_so_many_unresolved_tickets()
    {
        var client = NewClient();
        var quota = new TicketQuotaOptions().MaxOpenTicketsPerClient;
        var first = await CreateAsync(client);
        for (var i = 1; i < quota; i++)
        {
            await CreateAsync(client);
        }

        var refused = await Numbers.CreateTicketAsync(new NewTicket("one too many", RequesterId: client.UserId), client);
        Assert.Equal(ErrorKind.Conflict, refused.Error!.Kind);
        Assert.Contains($"{quota} open tickets", refused.Error.Message, StringComparison.Ordinal);

        // Staff may still open one for them; a closed ticket frees a place for the client.
        await CreateAsync(client, by: Agent);
        Assert.True((await first.UpdateAsync(Move(TicketStatus.Closed), client)).IsSuccess);
        Assert.True((await Numbers.CreateTicketAsync(new NewTicket("again", RequesterId: client.UserId), Agent)).IsSuccess);
        Assert.Equal(ErrorKind.Conflict, (await Numbers.CreateTicketAsync(new NewTicket("still too many", RequesterId: client.UserId), client)).Error!.Kind);
    }

    [Fact]
    public async Task Comments_are_rows_of_their_own_and_the_ticket_document_does_not_grow_with_them()
    {
        var client = NewClient();
        var grain = await CreateAsync(client);
        var id = (await grain.GetAsync(Agent))!.Id;
        var body = new string('漢', 4_000);

        await grain.AddCommentAsync(new NewTicketComment(body), client);
        var sizeAfterOne = fixture.Store.State(TicketStorage.Tickets, id)!.ToJsonString().Length;
        for (var i = 0; i < 5; i++)
        {
            await grain.AddCommentAsync(new NewTicketComment(body, Internal: i % 2 == 0), Agent);
        }

        var doc = fixture.Store.State(TicketStorage.Tickets, id)!;
        Assert.DoesNotContain("漢", doc.ToJsonString(), StringComparison.Ordinal);
        Assert.InRange(doc.ToJsonString().Length, 0, sizeAfterOne + 200); // counters only
        Assert.Equal(6, doc["comment_count"]!.GetValue<long>());
        Assert.Equal(6L, fixture.Store.Read(s => s.Scalar("SELECT count(*) FROM ticket_comments WHERE ticket_id = @p0", id)));

        var staff = (await grain.GetCommentsAsync(Agent, 2, 2)).Value!;
        Assert.Equal((6L, 4), (staff.Total, staff.Next!.Value));
        Assert.Equal([3L, 4L], staff.Items.Select(c => (long)fixture.Store.Read(s => s.Scalar("SELECT seq FROM ticket_comments WHERE id = @p0", c.Id))!));
        var mine = (await grain.GetCommentsAsync(client, 50, 0)).Value!;
        Assert.Equal(3, mine.Total);
        Assert.All(mine.Items, c => Assert.False(c.Internal));
    }

    [Fact]
    public async Task Comments_embedded_in_a_stored_ticket_move_to_the_comment_store_on_activation_once()
    {
        var client = NewClient();
        var grain = await CreateAsync(client);
        var id = (await grain.GetAsync(Agent))!.Id;

        // A document as the previous version stored it: comments inside the ticket, no counter.
        await fixture.DeactivateAllAsync();
        var doc = fixture.Store.State(TicketStorage.Tickets, id)!;
        doc["comments"] = new JsonArray(Legacy("legacy-1-" + id, "old public reply", false), Legacy("legacy-2-" + id, "old internal note", true));
        doc.Remove("comment_count");
        fixture.Store.SetState(TicketStorage.Tickets, id, doc);

        Assert.Equal(["old public reply", "old internal note"], (await grain.GetCommentsAsync(Agent, 50, 0)).Value!.Items.Select(c => c.Body));
        Assert.Equal(["old public reply"], (await grain.GetCommentsAsync(client, 50, 0)).Value!.Items.Select(c => c.Body));
        var migrated = fixture.Store.State(TicketStorage.Tickets, id)!;
        Assert.Empty(migrated["comments"]!.AsArray());

        // A new comment comes after them; the document no longer holds them (the outbox they passed is emptied).
        await grain.AddCommentAsync(new NewTicketComment("new reply"), client);
        Assert.Equal(["old public reply", "old internal note", "new reply"], (await grain.GetCommentsAsync(Agent, 50, 0)).Value!.Items.Select(c => c.Body));
        Assert.DoesNotContain("old internal note", fixture.Store.State(TicketStorage.Tickets, id)!.ToJsonString(), StringComparison.Ordinal);

        // Again (as if a crash had left the old document): nothing is duplicated.
        await fixture.DeactivateAllAsync();
        fixture.Store.SetState(TicketStorage.Tickets, id, doc);
        Assert.Equal(3, (await grain.GetCommentsAsync(Agent, 50, 0)).Value!.Total);
    }

    private static JsonObject Legacy(string id, string body, bool isInternal) => new()
    {
        ["id"] = id,
        ["author_id"] = "agent-1",
        ["author_name"] = "Agent One",
        ["author_is_staff"] = true,
        ["body"] = body,
        ["internal"] = isInternal,
        ["created_at"] = "2025-01-01T10:00:00.000Z",
    };

    [Fact]
    public async Task A_client_sees_their_ticket_without_assignee_tags_or_sla()
    {
        var client = NewClient();
        var grain = await CreateAsync(client);
        await grain.UpdateAsync(new TicketPatch { AssigneeId = Optional<string>.Of("agent-1"), Tags = Optional<IReadOnlyList<string>>.Of(["fraud-suspect"]) }, Agent);

        var staff = (await grain.GetAsync(Agent))!;
        var seen = (await grain.GetAsync(client))!;
        var updated = (await grain.UpdateAsync(new TicketPatch { Subject = Optional<string>.Of("renamed") }, client)).Value!;

        Assert.Equal(("agent-1", "fraud-suspect"), (staff.AssigneeId, staff.Tags!.Single()));
        Assert.NotNull(staff.Sla);
        foreach (var view in new[] { seen, updated })
        {
            Assert.Null(view.AssigneeId);
            Assert.Null(view.Tags);
            Assert.Null(view.Sla);
            Assert.Null(view.SlaBreached);
        }
    }
}
