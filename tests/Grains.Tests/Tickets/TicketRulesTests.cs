using CrmChatbot.Common;
using CrmChatbot.Tickets;
using CrmChatbot.Users;

namespace CrmChatbot.Grains.Tests.Tickets;

public class TicketRulesTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc);
    private static readonly Actor Agent = Actor.User("agent-1", UserRole.Agent, "Agent");
    private static readonly Actor Client = Actor.User("client-1", UserRole.Client, "Client");
    private static readonly TicketSlaOptions Sla = new();

    private static TicketState New(TicketPriority priority = TicketPriority.Medium, Actor? actor = null) =>
        TicketRules.Create(new NewTicket("Printer on fire", Priority: priority, RequesterId: "client-1"), 1001, actor ?? Agent, T0, Sla).Value!;

    private static TicketState Move(TicketState state, TicketStatus status, DateTime at, Actor? actor = null) =>
        TicketRules.Apply(state, new TicketPatch { Status = Optional<TicketStatus>.Of(status) }, actor ?? Agent, at, Sla).Value!;

    [Theory]
    [InlineData(TicketStatus.Open, TicketStatus.InProgress)]
    [InlineData(TicketStatus.InProgress, TicketStatus.WaitingOnCustomer)]
    [InlineData(TicketStatus.WaitingOnCustomer, TicketStatus.Resolved)]
    [InlineData(TicketStatus.Resolved, TicketStatus.Closed)]
    [InlineData(TicketStatus.Resolved, TicketStatus.Open)]
    [InlineData(TicketStatus.Closed, TicketStatus.Open)]
    [InlineData(TicketStatus.Open, TicketStatus.Open)]
    public void Allowed_transitions_pass(TicketStatus from, TicketStatus to) => Assert.Null(TicketRules.CheckTransition(from, to));

    [Fact]
    public void A_refused_transition_is_a_conflict_naming_the_allowed_next_statuses()
    {
        var error = TicketRules.CheckTransition(TicketStatus.Closed, TicketStatus.InProgress);

        Assert.Equal(ErrorKind.Conflict, error!.Kind);
        Assert.Contains("from closed to in_progress", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("allowed next statuses: open.", error.Message, StringComparison.Ordinal);
        Assert.Contains("allowed next statuses: closed, open.", TicketRules.CheckTransition(TicketStatus.Resolved, TicketStatus.WaitingOnCustomer)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_normalizes_tags_defaults_priority_and_computes_due_times()
    {
        var state = TicketRules.Create(new NewTicket(" Help ", Tags: [" Billing", "billing", "VIP "]), 1001, Agent, T0, Sla).Value!;

        Assert.Equal("Help", state.Subject);
        Assert.Equal(["billing", "vip"], state.Tags);
        Assert.Equal(TicketPriority.Medium, state.Priority);
        Assert.Equal(TicketStatus.Open, state.Status);
        Assert.Equal("agent-1", state.RequesterId);
        Assert.Equal(T0.AddHours(8), state.Sla.FirstResponseDue);
        Assert.Equal(T0.AddHours(72), state.Sla.ResolutionDue);
    }

    [Fact]
    public void Create_names_every_invalid_field()
    {
        var result = TicketRules.Create(new NewTicket(" ", Description: new string('x', 20_001), Tags: ["", new string('t', 41)]), 1001, Agent, T0, Sla);

        Assert.Equal(["description", "subject", "tags"], result.Error!.Fields!.Keys.Order());
    }

    [Fact]
    public void Clients_open_tickets_for_themselves_only_and_cannot_assign_or_tag()
    {
        Assert.True(TicketRules.Create(new NewTicket("Mine", RequesterId: "client-1"), 1, Client, T0, Sla).IsSuccess);
        Assert.Equal(ErrorKind.Forbidden, TicketRules.Create(new NewTicket("Theirs", RequesterId: "other"), 1, Client, T0, Sla).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, TicketRules.Create(new NewTicket("x", RequesterId: "client-1", AssigneeId: "a"), 1, Client, T0, Sla).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, TicketRules.Create(new NewTicket("x", RequesterId: "client-1", Tags: ["t"]), 1, Client, T0, Sla).Error!.Kind);
    }

    [Theory]
    [InlineData(TicketStatus.InProgress)]
    [InlineData(TicketStatus.WaitingOnCustomer)]
    [InlineData(TicketStatus.Resolved)]
    [InlineData(TicketStatus.Closed)]
    public void Clients_may_start_a_ticket_open_only(TicketStatus status)
    {
        Assert.Equal(TicketStatus.Open, TicketRules.Create(new NewTicket("x", RequesterId: "client-1", Status: TicketStatus.Open), 1, Client, T0, Sla).Value!.Status);

        var refused = TicketRules.Create(new NewTicket("x", RequesterId: "client-1", Status: status), 1, Client, T0, Sla);

        Assert.Equal(ErrorKind.Forbidden, refused.Error!.Kind);
        Assert.Contains("status open only", refused.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Staff_may_start_a_ticket_in_any_status_as_if_it_had_moved_there_at_creation()
    {
        var resolved = TicketRules.Create(new NewTicket("x", RequesterId: "client-1", Status: TicketStatus.Resolved), 1, Agent, T0, Sla).Value!;
        var closed = TicketRules.Create(new NewTicket("x", RequesterId: "client-1", Status: TicketStatus.Closed), 1, Agent, T0, Sla).Value!;
        var waiting = TicketRules.Create(new NewTicket("x", RequesterId: "client-1", Status: TicketStatus.WaitingOnCustomer), 1, Agent, T0, Sla).Value!;

        // The same timestamps a later move from open would set.
        Assert.Equal(Move(New(), TicketStatus.Resolved, T0).ResolvedAt, resolved.ResolvedAt);
        Assert.Equal((TicketStatus.Resolved, (DateTime?)T0, (DateTime?)null), (resolved.Status, resolved.ResolvedAt, resolved.ClosedAt));
        Assert.Equal((TicketStatus.Closed, (DateTime?)null, (DateTime?)T0), (closed.Status, closed.ResolvedAt, closed.ClosedAt));
        Assert.Equal((TicketStatus.WaitingOnCustomer, (DateTime?)null, (DateTime?)null), (waiting.Status, waiting.ResolvedAt, waiting.ClosedAt));
        // Resolved at creation: both SLA clocks stopped in time, nothing is pending (no reminder needed).
        Assert.Null(TicketRules.EvaluateSla(resolved, T0.AddDays(30)).NextDue);
        Assert.False(TicketRules.EvaluateSla(closed, T0.AddDays(30)).AnyBreached);
        Assert.NotNull(TicketRules.EvaluateSla(waiting, T0).NextDue);
        Assert.Equal("created with status resolved", TicketRules.CreatedNote(resolved));
        Assert.Equal("created with status waiting_on_customer", TicketRules.CreatedNote(waiting));
        Assert.Null(TicketRules.CreatedNote(New()));
    }

    [Fact]
    public void Clients_may_close_and_reopen_but_not_set_other_statuses_or_staff_fields()
    {
        var state = New(actor: Agent);
        Assert.Equal(ErrorKind.Forbidden, TicketRules.Apply(state, new TicketPatch { Status = Optional<TicketStatus>.Of(TicketStatus.Resolved) }, Client, T0, Sla).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, TicketRules.Apply(state, new TicketPatch { Priority = Optional<TicketPriority>.Of(TicketPriority.Urgent) }, Client, T0, Sla).Error!.Kind);
        var forbidden = TicketRules.Apply(state, new TicketPatch { AssigneeId = Optional<string>.Of("a"), Tags = Optional<IReadOnlyList<string>>.Of(["x"]) }, Client, T0, Sla).Error!;
        Assert.Contains("assignee_id, tags", forbidden.Message, StringComparison.Ordinal);

        var closed = Move(state, TicketStatus.Closed, T0.AddHours(1), Client);
        var reopened = Move(closed, TicketStatus.Open, T0.AddHours(2), Client);

        Assert.Equal(T0.AddHours(1), closed.ClosedAt);
        Assert.Equal(TicketStatus.Open, reopened.Status);
        Assert.Null(reopened.ClosedAt);
        Assert.Null(reopened.ResolvedAt);
    }

    [Fact]
    public void Resolving_and_closing_record_their_times()
    {
        var resolved = Move(Move(New(), TicketStatus.InProgress, T0.AddMinutes(1)), TicketStatus.Resolved, T0.AddMinutes(2));
        var closed = Move(resolved, TicketStatus.Closed, T0.AddMinutes(3));

        Assert.Equal(T0.AddMinutes(2), closed.ResolvedAt);
        Assert.Equal(T0.AddMinutes(3), closed.ClosedAt);
    }

    [Fact]
    public void The_first_public_staff_reply_sets_first_response_and_internal_notes_do_not()
    {
        var state = New();
        var noted = TicketRules.AddComment(state, new NewTicketComment("internal", Internal: true), "c1", Agent, T0.AddMinutes(5)).Value;
        var clientReply = TicketRules.AddComment(noted.Next, new NewTicketComment("any news?"), "c2", Client, T0.AddMinutes(6)).Value;
        var replied = TicketRules.AddComment(clientReply.Next, new NewTicketComment("on it"), "c3", Agent, T0.AddMinutes(7)).Value;
        var again = TicketRules.AddComment(replied.Next, new NewTicketComment("still on it"), "c4", Agent, T0.AddMinutes(8)).Value;

        Assert.Null(noted.Next.FirstResponseAt);
        Assert.Null(clientReply.Next.FirstResponseAt);
        Assert.Equal(T0.AddMinutes(7), again.Next.FirstResponseAt);
        Assert.Equal(4, again.Next.CommentCount);
        Assert.Equal(["c1", "c2", "c3", "c4"], new[] { noted, clientReply, replied, again }.Select(c => c.Comment.Id));
        Assert.Equal([1L, 2L, 3L, 4L], new[] { noted, clientReply, replied, again }.Select(c => c.Comment.Seq));
        Assert.Equal([true, false, false, false], new[] { noted, clientReply, replied, again }.Select(c => c.Comment.Internal));
        Assert.Equal(0, state.CommentCount); // states are replaced, not mutated
        Assert.Empty(again.Next.PendingComments); // the comment is a row of the change, not part of the state
    }

    [Fact]
    public void A_client_reply_moves_a_waiting_ticket_back_to_open_and_clients_cannot_add_internal_notes()
    {
        var waiting = Move(New(), TicketStatus.WaitingOnCustomer, T0.AddMinutes(1));

        var replied = TicketRules.AddComment(waiting, new NewTicketComment("here you go"), "c1", Client, T0.AddMinutes(2)).Value.Next;

        Assert.Equal(TicketStatus.Open, replied.Status);
        Assert.Equal(ErrorKind.Forbidden, TicketRules.AddComment(waiting, new NewTicketComment("x", Internal: true), "c2", Client, T0).Error!.Kind);
        Assert.Equal(TicketStatus.WaitingOnCustomer, TicketRules.AddComment(waiting, new NewTicketComment("staff"), "c3", Agent, T0).Value.Next.Status);
    }

    [Fact]
    public void Descriptions_and_comment_bodies_have_a_size_limit_for_every_role()
    {
        foreach (var actor in new[] { Agent, Client })
        {
            var longDescription = TicketRules.Create(new NewTicket("s", new string('d', 10_001), RequesterId: actor.IsStaff ? "c" : actor.UserId), 1, actor, T0, Sla);
            var longComment = TicketRules.AddComment(New(), new NewTicketComment(new string('漢', 5_001)), "x", actor, T0);

            Assert.Contains("at most 10000 characters", Assert.Single(longDescription.Error!.Fields!["description"]), StringComparison.Ordinal);
            Assert.Contains("at most 5000 characters", Assert.Single(longComment.Error!.Fields!["body"]), StringComparison.Ordinal);
        }

        Assert.True(TicketRules.AddComment(New(), new NewTicketComment(new string('漢', 5_000)), "x", Client, T0).IsSuccess);
    }

    [Fact]
    public void A_rate_window_refuses_the_event_past_the_quota_until_the_oldest_leaves_it()
    {
        List<DateTime> times = [];
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(TicketRules.CheckRate(times, 3, TimeSpan.FromHours(1), T0.AddMinutes(i * 10), "comment", "an hour"));
            times = TicketRules.Record(times, TimeSpan.FromHours(1), T0.AddMinutes(i * 10));
        }

        var refused = TicketRules.CheckRate(times, 3, TimeSpan.FromHours(1), T0.AddMinutes(30), "comment", "an hour");

        Assert.Equal(ErrorKind.Throttled, refused!.Kind);
        Assert.Equal(30 * 60, refused.RetryAfterSeconds); // T0 leaves the window at T0 + 1 h
        Assert.Null(TicketRules.CheckRate(times, 3, TimeSpan.FromHours(1), T0.AddMinutes(61), "comment", "an hour"));
        Assert.Equal(3, TicketRules.Record(times, TimeSpan.FromHours(1), T0.AddMinutes(61)).Count); // T0 dropped
    }

    [Fact]
    public void Comments_are_bounded_and_need_a_body()
    {
        var state = New();
        state.CommentCount = TicketRules.MaxComments;

        var full = TicketRules.AddComment(state, new NewTicketComment("one more"), "x", Agent, T0);
        var blank = TicketRules.AddComment(New(), new NewTicketComment("  "), "x", Agent, T0);

        Assert.Equal(ErrorKind.Conflict, full.Error!.Kind);
        Assert.Contains("500", full.Error.Message, StringComparison.Ordinal);
        Assert.Equal(["body"], blank.Error!.Fields!.Keys);
    }

    [Fact]
    public void Sla_before_due_is_not_breached_and_next_due_is_the_first_response()
    {
        var state = New(TicketPriority.High); // 4h first response, 24h resolution

        var evaluation = TicketRules.EvaluateSla(state, T0.AddHours(3));

        Assert.False(evaluation.AnyBreached);
        Assert.Equal(T0.AddHours(4), evaluation.NextDue);
    }

    [Fact]
    public void Sla_past_first_response_due_without_reply_is_breached_and_next_due_is_resolution()
    {
        var evaluation = TicketRules.EvaluateSla(New(TicketPriority.High), T0.AddHours(4));

        Assert.True(evaluation.FirstResponseBreached);
        Assert.False(evaluation.ResolutionBreached);
        Assert.Equal(T0.AddHours(24), evaluation.NextDue);
    }

    [Fact]
    public void A_reply_in_time_meets_first_response_and_a_late_resolution_breaches()
    {
        var replied = TicketRules.AddComment(New(TicketPriority.Urgent), new NewTicketComment("hi"), "c", Agent, T0.AddMinutes(30)).Value.Next;

        var met = TicketRules.EvaluateSla(replied, T0.AddHours(2));
        var resolvedLate = Move(replied, TicketStatus.Resolved, T0.AddHours(5)); // urgent: 4h

        Assert.False(met.AnyBreached);
        Assert.Equal(T0.AddHours(4), met.NextDue);
        Assert.True(resolvedLate.Sla.ResolutionBreached);
        Assert.False(resolvedLate.Sla.FirstResponseBreached);
        Assert.True(resolvedLate.SlaBreached);
        Assert.Null(TicketRules.EvaluateSla(resolvedLate, T0.AddDays(30)).NextDue);
    }

    [Fact]
    public void Resolving_in_time_stops_both_clocks_and_leaves_nothing_due()
    {
        var resolved = Move(New(TicketPriority.Low), TicketStatus.Resolved, T0.AddHours(1));

        var evaluation = TicketRules.EvaluateSla(resolved, T0.AddDays(365));

        Assert.False(evaluation.AnyBreached);
        Assert.Null(evaluation.NextDue);
    }

    [Fact]
    public void Breaches_are_sticky_after_a_late_reply()
    {
        var state = New(TicketPriority.High);
        Assert.True(TicketRules.ApplySla(state, T0.AddHours(5)));

        var replied = TicketRules.AddComment(state, new NewTicketComment("sorry"), "c", Agent, T0.AddHours(6)).Value.Next;

        Assert.True(replied.Sla.FirstResponseBreached);
        Assert.True(replied.SlaBreached);
        Assert.False(TicketRules.ApplySla(replied, T0.AddHours(7)));
    }

    [Fact]
    public void A_priority_change_recomputes_due_times_from_creation()
    {
        var raised = TicketRules.Apply(New(TicketPriority.Low), new TicketPatch { Priority = Optional<TicketPriority>.Of(TicketPriority.Urgent) }, Agent, T0.AddMinutes(10), Sla).Value!;

        Assert.Equal(T0.AddHours(1), raised.Sla.FirstResponseDue);
        Assert.Equal(T0.AddHours(4), raised.Sla.ResolutionDue);
        Assert.Equal("updated", TicketRules.ActionOf(New(), raised));
    }

    [Fact]
    public void Sla_hours_parse_strictly()
    {
        var parsed = TicketSlaOptions.Parse("urgent:0.5, low:48", new TicketSlaOptions().FirstResponse);

        Assert.Equal(TimeSpan.FromMinutes(30), parsed[TicketPriority.Urgent]);
        Assert.Equal(TimeSpan.FromHours(48), parsed[TicketPriority.Low]);
        Assert.Equal(TimeSpan.FromHours(8), parsed[TicketPriority.Medium]);
        Assert.Throws<FormatException>(() => TicketSlaOptions.Parse("urgent:1,urgent:2", null));
        Assert.Throws<FormatException>(() => TicketSlaOptions.Parse("critical:1", null));
        Assert.Throws<FormatException>(() => TicketSlaOptions.Parse("urgent:0", null));
        Assert.Throws<FormatException>(() => TicketSlaOptions.Parse("urgent:-1", null));
        Assert.Throws<FormatException>(() => TicketSlaOptions.Parse("urgent=1", null));
        Assert.Throws<FormatException>(() => TicketSlaOptions.Parse("urgent:1,high:2", null)); // every priority needed without defaults
    }

    [Fact]
    public void Ticket_numbers_format_and_parse()
    {
        Assert.Equal("T-1001", TicketNumbers.Format(1001));
        Assert.True(TicketNumbers.TryParse("t-1002", out var n));
        Assert.Equal(1002, n);
        Assert.False(TicketNumbers.TryParse("T-", out _));
        Assert.False(TicketNumbers.TryParse("T-12a", out _));
        Assert.False(TicketNumbers.TryParse("T--1", out _));
        Assert.False(TicketNumbers.TryParse("0199abcd-1234", out _));
    }
}
