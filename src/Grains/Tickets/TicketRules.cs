using CrmChatbot.Common;

namespace CrmChatbot.Tickets;

/// <summary>The SLA of a ticket at one instant: which targets are missed, and when the next one falls due.</summary>
public sealed record SlaEvaluation(bool FirstResponseBreached, bool ResolutionBreached, DateTime? NextDue)
{
    public bool AnyBreached => FirstResponseBreached || ResolutionBreached;
}

/// <summary>
/// Validation, workflow and SLA rules of tickets, shared by create, update, comments and the SLA
/// reminder. Pure functions of their inputs (the clock is a parameter), so they are unit-tested directly.
/// </summary>
public static class TicketRules
{
    public const int SubjectMaxLength = 200;
    public const int DescriptionMaxLength = TicketLimits.DescriptionMaxLength;
    public const int IdMaxLength = TicketLimits.IdMaxLength;
    public const int TagMaxLength = TicketLimits.TagMaxLength;
    public const int MaxTags = 20;
    public const int CommentMaxLength = TicketLimits.CommentMaxLength;

    /// <summary>Comments one ticket may hold, whoever writes them (a backstop behind the client quota).</summary>
    public const int MaxComments = 500;

    /// <summary>Length of a comment's excerpt in the timeline.</summary>
    public const int TimelineExcerptLength = 100;

    /// <summary>
    /// The workflow: open -> in_progress -> waiting_on_customer -> resolved -> closed, with shortcuts
    /// (any open state may be resolved or closed, waiting goes back to in_progress or open) and
    /// reopening (resolved or closed -> open). Setting the current status again is not a transition.
    /// </summary>
    public static IReadOnlyDictionary<TicketStatus, TicketStatus[]> Transitions { get; } = new Dictionary<TicketStatus, TicketStatus[]>
    {
        [TicketStatus.Open] = [TicketStatus.InProgress, TicketStatus.WaitingOnCustomer, TicketStatus.Resolved, TicketStatus.Closed],
        [TicketStatus.InProgress] = [TicketStatus.Open, TicketStatus.WaitingOnCustomer, TicketStatus.Resolved, TicketStatus.Closed],
        [TicketStatus.WaitingOnCustomer] = [TicketStatus.Open, TicketStatus.InProgress, TicketStatus.Resolved, TicketStatus.Closed],
        [TicketStatus.Resolved] = [TicketStatus.Closed, TicketStatus.Open],
        [TicketStatus.Closed] = [TicketStatus.Open],
    };

    /// <summary>Rank for sorting by priority (low 0 ... urgent 3).</summary>
    public static int Rank(TicketPriority priority) => (int)priority;

    public static bool IsClient(Actor actor) => !actor.IsStaff;

    /// <summary>Staff see every ticket; a client only the tickets they requested.</summary>
    public static bool CanSee(Actor actor, TicketState state) =>
        actor.IsStaff || (actor.UserId is not null && actor.UserId == state.RequesterId);

    /// <summary>A 409 naming the allowed next statuses, or null when the move is allowed (or no move).</summary>
    public static CommandError? CheckTransition(TicketStatus from, TicketStatus to)
    {
        if (from == to || Transitions[from].Contains(to))
        {
            return null;
        }

        var allowed = string.Join(", ", Transitions[from].Select(Name));
        return CommandError.Conflict($"A ticket cannot go from {Name(from)} to {Name(to)}; allowed next statuses: {allowed}.");
    }

    /// <summary>Builds a new ticket, or the errors that prevent it (access first, then fields).</summary>
    public static CommandResult<TicketState> Create(NewTicket input, long number, Actor actor, DateTime now, TicketSlaOptions sla)
    {
        if (IsClient(actor))
        {
            if (input.AssigneeId is not null || input.Tags is { Count: > 0 })
            {
                return new CommandError(ErrorKind.Forbidden, "Clients cannot set assignee_id or tags.");
            }

            if (input.RequesterId != actor.UserId)
            {
                return new CommandError(ErrorKind.Forbidden, "Clients open tickets for themselves only.");
            }

            if (input.Status is { } status && status != TicketStatus.Open)
            {
                return new CommandError(ErrorKind.Forbidden,
                    $"Clients open tickets with status open only (or without a status), not {Name(status)}.");
            }
        }

        var state = new TicketState
        {
            Number = number,
            Subject = input.Subject ?? "",
            Description = input.Description,
            Priority = input.Priority ?? TicketPriority.Medium,
            Status = TicketStatus.Open,
            RequesterId = input.RequesterId ?? actor.UserId,
            AssigneeId = input.AssigneeId,
            Tags = [.. input.Tags ?? []],
            CreatedAt = now,
            UpdatedAt = now,
        };
        var errors = new FieldErrors();
        Normalize(state, errors);
        if (errors.Any)
        {
            return errors.ToError();
        }

        if (input.Status is { } initial && !Enum.IsDefined(initial))
        {
            return CommandError.Invalid("status", "is not a known ticket status");
        }

        state.Sla = DueTimes(state.CreatedAt, state.Priority, sla);
        if (input.Status is { } start and not TicketStatus.Open)
        {
            // Starting in another status is the move open -> status at the creation instant: the same
            // timestamps (resolved_at, closed_at) and SLA clocks as if it had been changed right after.
            SetStatus(state, start, now);
            ApplySla(state, now);
        }

        return CommandResult<TicketState>.Ok(state);
    }

    /// <summary>The note of a ticket's <c>created</c> timeline entry: the status it started in, when not open.</summary>
    public static string? CreatedNote(TicketState created) =>
        created.Status == TicketStatus.Open ? null : $"created with status {Name(created.Status)}";

    /// <summary>A copy of the state to change (states are replaced, never mutated in place).</summary>
    public static TicketState Copy(TicketState current) => new()
    {
        Number = current.Number,
        Subject = current.Subject,
        Description = current.Description,
        Priority = current.Priority,
        Status = current.Status,
        RequesterId = current.RequesterId,
        AssigneeId = current.AssigneeId,
        Tags = [.. current.Tags],
        CreatedAt = current.CreatedAt,
        UpdatedAt = current.UpdatedAt,
        ResolvedAt = current.ResolvedAt,
        ClosedAt = current.ClosedAt,
        FirstResponseAt = current.FirstResponseAt,
        Sla = current.Sla.Copy(),
        SlaBreached = current.SlaBreached,
        Comments = [.. current.Comments],
        PendingComments = [.. current.PendingComments],
        CommentCount = current.CommentCount,
        ClientCommentTimes = [.. current.ClientCommentTimes],
        ClientStatusChangeTimes = [.. current.ClientStatusChangeTimes],
    };

    /// <summary>
    /// Applies a patch as <paramref name="actor"/>: clients may edit subject and description and may
    /// only close or reopen (resolved/closed -> open) their ticket; they cannot touch priority,
    /// assignee or tags. Status moves follow <see cref="Transitions"/>.
    /// </summary>
    public static CommandResult<TicketState> Apply(
        TicketState current, TicketPatch patch, Actor actor, DateTime now, TicketSlaOptions sla, TicketQuotaOptions? quotas = null)
    {
        quotas ??= new TicketQuotaOptions();
        if (IsClient(actor))
        {
            var refused = new List<string>();
            if (patch.Priority.HasValue && patch.Priority.Value != current.Priority)
            {
                refused.Add("priority");
            }

            if (patch.AssigneeId.HasValue && patch.AssigneeId.Value != current.AssigneeId)
            {
                refused.Add("assignee_id");
            }

            if (patch.Tags.HasValue)
            {
                refused.Add("tags");
            }

            if (refused.Count > 0)
            {
                return new CommandError(ErrorKind.Forbidden, $"Clients cannot change {string.Join(", ", refused)}.");
            }

            if (patch.Status.HasValue && patch.Status.Value != current.Status && !ClientMayMove(current.Status, patch.Status.Value))
            {
                return new CommandError(ErrorKind.Forbidden, "Clients may only close their ticket or reopen it (status closed or open).");
            }
        }

        var next = Copy(current);
        next.Subject = patch.Subject.HasValue ? patch.Subject.Value ?? "" : current.Subject;
        next.Description = patch.Description.Or(current.Description);
        next.AssigneeId = patch.AssigneeId.Or(current.AssigneeId);
        if (patch.Tags.HasValue)
        {
            next.Tags = [.. patch.Tags.Value ?? []];
        }

        if (patch.Priority.HasValue)
        {
            next.Priority = patch.Priority.Value;
        }

        var errors = new FieldErrors();
        Normalize(next, errors);
        if (errors.Any)
        {
            return errors.ToError();
        }

        if (patch.Status.HasValue && patch.Status.Value != current.Status)
        {
            if (CheckTransition(current.Status, patch.Status.Value) is { } conflict)
            {
                return conflict;
            }

            if (IsClient(actor))
            {
                // Each close/reopen is a timeline entry: a client may not grow the history without bound.
                if (CheckRate(current.ClientStatusChangeTimes, quotas.ClientStatusChangesPerDay, TicketQuotaOptions.StatusChangeWindow, now,
                        "close or reopen this ticket", "a day") is { } throttled)
                {
                    return throttled;
                }

                next.ClientStatusChangeTimes = Record(current.ClientStatusChangeTimes, TicketQuotaOptions.StatusChangeWindow, now);
            }

            SetStatus(next, patch.Status.Value, now);
        }

        if (next.Priority != current.Priority)
        {
            // Due times follow the priority, counted from creation; breaches already recorded stay.
            var due = DueTimes(next.CreatedAt, next.Priority, sla);
            next.Sla.FirstResponseDue = due.FirstResponseDue;
            next.Sla.ResolutionDue = due.ResolutionDue;
        }

        next.UpdatedAt = now;
        ApplySla(next, now);
        return CommandResult<TicketState>.Ok(next);
    }

    /// <summary>
    /// Adds a comment: the new state (its comment count) and the comment, which the entity store appends to the
    /// comment store with the change. Clients add public replies to their own ticket only,
    /// at most <see cref="TicketQuotaOptions.ClientCommentsPerHour"/> per hour; a client reply on a
    /// waiting_on_customer ticket moves it back to open (the ball is with support again). The first
    /// public staff reply records <c>first_response_at</c>.
    /// </summary>
    public static CommandResult<(TicketState Next, TicketComment Comment)> AddComment(
        TicketState current, NewTicketComment input, string commentId, Actor actor, DateTime now, TicketQuotaOptions? quotas = null)
    {
        quotas ??= new TicketQuotaOptions();
        if (IsClient(actor) && input.Internal)
        {
            return new CommandError(ErrorKind.Forbidden, "Clients cannot add internal notes.");
        }

        var errors = new FieldErrors();
        var body = errors.Required("body", input.Body, CommentMaxLength, multiLine: true);
        if (errors.Any)
        {
            return errors.ToError();
        }

        if (current.CommentCount >= MaxComments)
        {
            return CommandError.Conflict($"The ticket has reached the limit of {MaxComments} comments; open a new ticket.");
        }

        if (IsClient(actor) &&
            CheckRate(current.ClientCommentTimes, quotas.ClientCommentsPerHour, TicketQuotaOptions.CommentWindow, now, "comment on this ticket", "an hour") is { } throttled)
        {
            return throttled;
        }

        var next = Copy(current);
        next.CommentCount = current.CommentCount + 1;
        var comment = new TicketComment
        {
            Id = commentId,
            Seq = next.CommentCount,
            AuthorId = actor.UserId,
            AuthorName = actor.Name,
            AuthorIsStaff = actor.IsStaff,
            Body = body,
            Internal = input.Internal,
            CreatedAt = now,
        };
        if (IsClient(actor))
        {
            next.ClientCommentTimes = Record(current.ClientCommentTimes, TicketQuotaOptions.CommentWindow, now);
        }

        if (actor.IsStaff && !input.Internal && next.FirstResponseAt is null)
        {
            next.FirstResponseAt = now;
        }

        if (IsClient(actor) && current.Status == TicketStatus.WaitingOnCustomer)
        {
            SetStatus(next, TicketStatus.Open, now);
        }

        next.UpdatedAt = now;
        ApplySla(next, now);
        return CommandResult<(TicketState, TicketComment)>.Ok((next, comment));
    }

    /// <summary>
    /// A 429 (with Retry-After: when the oldest counted event leaves the window) once <paramref name="times"/> holds
    /// <paramref name="max"/> events within <paramref name="window"/> before <paramref name="now"/>; else null.
    /// </summary>
    public static CommandError? CheckRate(IReadOnlyList<DateTime> times, int max, TimeSpan window, DateTime now, string what, string per)
    {
        var recent = times.Where(t => t > now - window).Order().ToList();
        if (recent.Count < max)
        {
            return null;
        }

        var freeAt = recent[recent.Count - max] + window;
        var seconds = (int)Math.Clamp(Math.Ceiling((freeAt - now).TotalSeconds), 1, window.TotalSeconds);
        return new CommandError(ErrorKind.Throttled,
            $"You may {what} at most {max} times {per}; try again in {seconds} seconds.", RetryAfterSeconds: seconds);
    }

    /// <summary>The events still within <paramref name="window"/>, plus one now (the list stays as short as the quota).</summary>
    public static List<DateTime> Record(IReadOnlyList<DateTime> times, TimeSpan window, DateTime now) =>
        [.. times.Where(t => t > now - window), now];

    /// <summary>The timeline action of a change from <paramref name="current"/> to <paramref name="next"/>.</summary>
    /// <remarks>A change of staff-only fields alone (assignee, tags) is <c>assigned</c> or <c>staff_updated</c>, actions a
    /// client's timeline leaves out.</remarks>
    public static string ActionOf(TicketState current, TicketState next) =>
        current.Status != next.Status ? "status_changed"
        : !TimelineDiff.Between(current, next).All(c => TicketViews.StaffOnlyFields.Contains(c.Field)) ? "updated"
        : current.AssigneeId != next.AssigneeId ? "assigned"
        : "staff_updated";

    /// <summary>The first <see cref="TimelineExcerptLength"/> characters of a comment, for the timeline.</summary>
    public static string Excerpt(string body) => body.Length <= TimelineExcerptLength ? body : body[..TimelineExcerptLength];

    /// <summary>Due times of a ticket created at <paramref name="createdAt"/> with this priority.</summary>
    public static TicketSla DueTimes(DateTime createdAt, TicketPriority priority, TicketSlaOptions sla) => new()
    {
        FirstResponseDue = createdAt + sla.FirstResponse[priority],
        ResolutionDue = createdAt + sla.Resolution[priority],
    };

    /// <summary>
    /// The SLA at <paramref name="now"/>. The first-response clock stops at the first public staff
    /// reply (or at resolution, if nobody replied); the resolution clock stops when the ticket is
    /// resolved or closed and runs again after a reopen. A target is missed when its clock stopped
    /// after the due time, or is still running at or past it. Breaches are sticky.
    /// </summary>
    public static SlaEvaluation EvaluateSla(TicketState state, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var resolvedAt = state.Status is TicketStatus.Resolved or TicketStatus.Closed ? state.ResolvedAt ?? state.ClosedAt ?? now : (DateTime?)null;
        var respondedAt = state.FirstResponseAt ?? resolvedAt;

        var firstBreached = state.Sla.FirstResponseBreached || Missed(respondedAt, state.Sla.FirstResponseDue, now);
        var resolutionBreached = state.Sla.ResolutionBreached || Missed(resolvedAt, state.Sla.ResolutionDue, now);

        DateTime? nextDue = null;
        if (!firstBreached && respondedAt is null)
        {
            nextDue = state.Sla.FirstResponseDue;
        }

        if (!resolutionBreached && resolvedAt is null && (nextDue is null || state.Sla.ResolutionDue < nextDue))
        {
            nextDue = state.Sla.ResolutionDue;
        }

        return new SlaEvaluation(firstBreached, resolutionBreached, nextDue);
    }

    /// <summary>Writes the evaluation's breach flags into <paramref name="state"/>; true when a flag changed.</summary>
    public static bool ApplySla(TicketState state, DateTime now)
    {
        var evaluation = EvaluateSla(state, now);
        var changed = evaluation.FirstResponseBreached != state.Sla.FirstResponseBreached ||
                      evaluation.ResolutionBreached != state.Sla.ResolutionBreached;
        state.Sla.FirstResponseBreached = evaluation.FirstResponseBreached;
        state.Sla.ResolutionBreached = evaluation.ResolutionBreached;
        state.SlaBreached = evaluation.AnyBreached;
        return changed;
    }

    /// <summary>Lower-cased, trimmed, deduplicated tags in first-seen order.</summary>
    public static List<string> NormalizeTags(IEnumerable<string?> tags, FieldErrors errors)
    {
        var result = new List<string>();
        foreach (var raw in tags)
        {
            var tag = raw?.Trim().ToLowerInvariant();
            if (string.IsNullOrEmpty(tag))
            {
                errors.Add("tags", "must not contain blank tags");
                continue;
            }

            if (tag.Length > TagMaxLength)
            {
                errors.Add("tags", $"each tag must be at most {TagMaxLength} characters");
                continue;
            }

            if (TextRules.Problem(tag, multiLine: false) is { } badCharacter)
            {
                errors.Add("tags", "each tag " + badCharacter);
                continue;
            }

            if (!result.Contains(tag))
            {
                result.Add(tag);
            }
        }

        if (result.Count > MaxTags)
        {
            errors.Add("tags", $"must hold at most {MaxTags} tags");
        }

        return result;
    }

    /// <summary>A client may close their ticket, or reopen it once it is resolved or closed.</summary>
    public static bool ClientMayMove(TicketStatus from, TicketStatus to) =>
        to == TicketStatus.Closed || (to == TicketStatus.Open && from is TicketStatus.Resolved or TicketStatus.Closed);

    private static bool Missed(DateTime? stoppedAt, DateTime due, DateTime now) =>
        stoppedAt is { } stopped ? stopped > due : now >= due;

    private static void SetStatus(TicketState next, TicketStatus status, DateTime now)
    {
        next.Status = status;
        switch (status)
        {
            case TicketStatus.Resolved:
                next.ResolvedAt = now;
                break;
            case TicketStatus.Closed:
                next.ClosedAt = now;
                break;
            case TicketStatus.Open when next.ResolvedAt is not null || next.ClosedAt is not null:
                // Reopened: the ticket is unresolved again.
                next.ResolvedAt = null;
                next.ClosedAt = null;
                break;
        }
    }

    private static void Normalize(TicketState state, FieldErrors errors)
    {
        state.Subject = errors.Required("subject", state.Subject, SubjectMaxLength);
        state.Description = errors.Optional("description", state.Description, DescriptionMaxLength, multiLine: true);
        state.RequesterId = errors.Optional("requester_id", state.RequesterId, IdMaxLength);
        state.AssigneeId = errors.Optional("assignee_id", state.AssigneeId, IdMaxLength);
        state.Tags = NormalizeTags(state.Tags, errors);
        if (!Enum.IsDefined(state.Priority))
        {
            errors.Add("priority", "is not a known ticket priority");
        }
    }

    private static string Name(TicketStatus status) => status switch
    {
        TicketStatus.InProgress => "in_progress",
        TicketStatus.WaitingOnCustomer => "waiting_on_customer",
        _ => status.ToString().ToLowerInvariant(),
    };
}
