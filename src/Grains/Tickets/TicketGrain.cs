using CrmChatbot.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Tickets;

/// <summary>
/// The single writer of one ticket. Every change is validated by <see cref="TicketRules"/> and
/// persisted with a timeline entry before it is acknowledged. Comments live in their own collection
/// (<see cref="ITicketCommentStore"/>): a new comment is a row of the change, given to the entity store with its
/// write (<see cref="EntityGrain{TState, TRow}"/>), which stores it with the ticket. A durable
/// reminder wakes the grain at the next SLA due time (also after a restart) to flag breaches; it is removed
/// once no target is pending.
/// </summary>
public sealed class TicketGrain(
    IEntityStore store,
    ITicketCommentStore comments,
    TimeProvider clock,
    IOptions<TicketSlaOptions> sla,
    IOptions<TicketQuotaOptions> quotas,
    ILogger<TicketGrain> logger) : EntityGrain<TicketState, TicketComment>(TicketStorage.Tickets, store, clock, logger), ITicketGrain, IRemindable
{
    public const string SlaReminder = "sla";

    /// <summary>How often an unhandled reminder tick is retried; each tick re-registers for the real next due time.</summary>
    private static readonly TimeSpan ReminderRetry = TimeSpan.FromMinutes(5);

    private DateTime? _reminderDue;

    protected override string EntityKind => "ticket";

    protected override object ToEventData(TicketState state) => state.ToDto(Id);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (Exists && Current.Comments.Count > 0)
        {
            await MoveEmbeddedCommentsAsync();
        }
    }

    public async Task<CommandResult<TicketDto>> CreateAsync(long number, NewTicket input, Actor actor)
    {
        if (Exists)
        {
            return CommandError.Conflict($"Ticket '{Id}' already exists.");
        }

        var created = TicketRules.Create(input, number, actor, Timestamps.Now(Clock), sla.Value);
        if (!created.IsSuccess)
        {
            return created.Error!;
        }

        await CommitAsync(created.Value!, actor, "created", TicketRules.CreatedNote(created.Value!));
        await SyncReminderAsync();
        return CommandResult<TicketDto>.Ok(Current.ToDto(Id, actor));
    }

    public Task<TicketDto?> GetAsync(Actor viewer) =>
        Task.FromResult(Exists && TicketRules.CanSee(viewer, Current) ? Current.ToDto(Id, viewer) : null);

    public async Task<CommandResult<TicketDto>> UpdateAsync(TicketPatch patch, Actor actor, long? expectedVersion = null)
    {
        if (Check(actor, expectedVersion) is { } refused)
        {
            return refused;
        }

        var updated = TicketRules.Apply(Current, patch, actor, Timestamps.Now(Clock), sla.Value, quotas.Value);
        if (!updated.IsSuccess)
        {
            return updated.Error!;
        }

        if (Differs(updated.Value!))
        {
            await CommitAsync(updated.Value!, actor, TicketRules.ActionOf(Current, updated.Value!));
            await SyncReminderAsync();
        }

        return CommandResult<TicketDto>.Ok(Current.ToDto(Id, actor));
    }

    public async Task<CommandResult<TicketCommentDto>> AddCommentAsync(NewTicketComment comment, Actor actor, long? expectedVersion = null)
    {
        if (Check(actor, expectedVersion) is { } refused)
        {
            return refused;
        }

        var commentId = Guid.CreateVersion7().ToString();
        var updated = TicketRules.AddComment(Current, comment, commentId, actor, Timestamps.Now(Clock), quotas.Value);
        if (!updated.IsSuccess)
        {
            return updated.Error!;
        }

        var (next, added) = updated.Value;
        added.TicketId = Id;
        // Internal notes get their own action so a client's timeline view can leave them out.
        await CommitAsync(next, [added], actor, added.Internal ? "internal_note" : "commented", TicketRules.Excerpt(added.Body));
        await SyncReminderAsync();
        return CommandResult<TicketCommentDto>.Ok(added.ToDto());
    }

    public async Task<CommandResult<Page<TicketCommentDto>>> GetCommentsAsync(Actor viewer, int limit, int offset)
    {
        if (!Exists || !TicketRules.CanSee(viewer, Current))
        {
            return NotFound();
        }

        var page = await comments.ListAsync(Id, includeInternal: viewer.IsStaff, limit, offset);
        return CommandResult<Page<TicketCommentDto>>.Ok(new Page<TicketCommentDto>([.. page.Items.Select(c => c.ToDto())], page.Total, page.Next));
    }

    public async Task<TicketDto?> CheckSlaAsync()
    {
        if (!Exists)
        {
            return null;
        }

        var next = TicketRules.Copy(Current);
        if (TicketRules.ApplySla(next, Timestamps.Now(Clock)))
        {
            var missed = new List<string>();
            if (next.Sla.FirstResponseBreached && !Current.Sla.FirstResponseBreached)
            {
                missed.Add("first_response");
            }

            if (next.Sla.ResolutionBreached && !Current.Sla.ResolutionBreached)
            {
                missed.Add("resolution");
            }

            await CommitAsync(next, Actor.System, "sla_breached", string.Join(", ", missed));
        }

        await SyncReminderAsync();
        return Current.ToDto(Id);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != SlaReminder)
        {
            return;
        }

        _reminderDue = null; // the tick consumed the planned due time; re-plan from the state
        if (await CheckSlaAsync() is null)
        {
            await UnregisterAsync(); // the ticket was deleted
        }
    }

    public async Task<CommandError?> DeleteAsync(Actor actor, long? expectedVersion = null)
    {
        if (Check(actor, expectedVersion) is { } refused)
        {
            return refused;
        }

        if (!actor.IsStaff)
        {
            return new CommandError(ErrorKind.Forbidden, "Only staff may delete tickets.");
        }

        await DeleteEntityAsync(actor);
        await comments.DeleteAllAsync(Id);
        await UnregisterAsync();
        return null;
    }

    /// <summary>
    /// A ticket stored before comments had their own collection: its embedded comments go to the comment store
    /// (kept in order, ids unchanged) and leave the document, in one write. Idempotent: appending a stored comment
    /// again is a no-op, and a ticket with none embedded is left alone.
    /// </summary>
    private async Task MoveEmbeddedCommentsAsync()
    {
        var next = TicketRules.Copy(Current);
        var seq = 0L;
        foreach (var comment in Current.Comments)
        {
            comment.TicketId = Id;
            comment.Seq = ++seq;
        }

        next.Comments = [];
        next.CommentCount = Math.Max(Current.CommentCount, seq);
        next.Version = Current.Version;
        await SaveWithoutHistoryAsync(next, Current.Comments);
    }

    /// <summary>NotFound for a missing ticket or one the actor may not see; 412 for a stale version.</summary>
    private CommandError? Check(Actor actor, long? expectedVersion) =>
        !Exists || !TicketRules.CanSee(actor, Current) ? NotFound() : CheckVersion(expectedVersion);

    private CommandError NotFound() => CommandError.NotFound($"Ticket '{Id}' was not found.");

    /// <summary>Registers the reminder for the next SLA due time, or removes it when nothing is pending.</summary>
    private async Task SyncReminderAsync()
    {
        var now = Timestamps.Now(Clock);
        var due = TicketRules.EvaluateSla(Current, now).NextDue;
        if (due == _reminderDue && due is not null)
        {
            return;
        }

        if (due is null)
        {
            await UnregisterAsync();
            return;
        }

        var delay = due.Value > now ? due.Value - now : TimeSpan.Zero;
        await this.RegisterOrUpdateReminder(SlaReminder, delay, ReminderRetry);
        _reminderDue = due;
    }

    private async Task UnregisterAsync()
    {
        _reminderDue = null;
        if (await this.GetReminder(SlaReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
