using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Meetings;
using CrmChatbot.Tickets;
using CrmChatbot.Users;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Chat.Dialogue;

/// <summary>The lead the assistant recorded for this conversation, or a refusal.</summary>
public sealed record LeadOutcome(string? Id, CommandError? Error)
{
    /// <summary>The action to report (always lead_created: a matched contact is never revealed); null after a refusal.</summary>
    public DialogueAction? Action => Id is null ? null : new DialogueAction(DialogueActions.LeadCreated, Id);
}

/// <summary>
/// Whom a chat turn acts for, built from the session grain's state only (never from the message text): the
/// signed-in owner, or for a visitor the records this session created itself (<see cref="DialogueState.OwnedLeadIds"/>,
/// <see cref="DialogueState.OwnedMeetingIds"/>). <see cref="ChatTools"/> checks every read and change against it
/// and records what it creates in it.
/// </summary>
public sealed class ChatPrincipal(ChatUser user, DialogueState state)
{
    public ChatUser User { get; } = user;

    /// <summary>The conversation's memory (the turn's copy, stored by the session grain afterwards).</summary>
    public DialogueState State { get; } = state;

    /// <summary>The lead this visitor's session created most recently; null for none.</summary>
    public string? OwnLeadId => State.OwnedLeadIds.Count > 0 ? State.OwnedLeadIds[^1] : null;

    /// <summary>Participant keys of the meetings it may see: the user's, or the session's own leads'. Empty = nobody known.</summary>
    public IReadOnlyList<string> ParticipantKeys => User.IsSignedIn
        ? [Meetings.ParticipantKeys.Of(ParticipantKind.User, User.UserId!)]
        : [.. State.OwnedLeadIds.Select(id => Meetings.ParticipantKeys.Of(ParticipantKind.Lead, id))];

    /// <summary>
    /// True when the chat may show or cancel <paramref name="meeting"/>: a signed-in user's own (they take part or
    /// organize it); for a visitor, one this session booked or one with a lead this session created.
    /// </summary>
    public bool MayActOn(MeetingDto meeting) => User.IsSignedIn
        ? meeting.OrganizerId == User.UserId || meeting.Participants.Any(p => p.Kind == ParticipantKind.User && p.UserId == User.UserId)
        : State.OwnedMeetingIds.Contains(meeting.Id) ||
          (meeting.LeadId is { } lead && State.OwnedLeadIds.Contains(lead)) ||
          meeting.Participants.Any(p => p.Kind == ParticipantKind.Lead && p.LeadId is { } l && State.OwnedLeadIds.Contains(l));
}

/// <summary>
/// The CRM operations of the chat assistant, shared by the deterministic <see cref="DialogueManager"/> and the
/// language-model assistant so both act through the same grains, rules, authorship (the chatbot) and access
/// checks: every operation takes the turn's <see cref="ChatPrincipal"/> and refuses what it may not own.
/// </summary>
public sealed class ChatTools(
    IGrainFactory grains,
    IUserQueries users,
    ITicketQueries tickets,
    IMeetingQueries meetings,
    IOptions<ChatOptions> options)
{
    private const int MeetingIdMaxLength = 100;

    /// <summary>True for a refusal because the visitor's session reached its lead or meeting limit.</summary>
    public static bool IsLimit(CommandError error) => error.Kind == ErrorKind.Throttled;

    /// <summary>A visitor's session that may create no more leads: the refusal; else null. Signed-in users have no cap.</summary>
    public CommandError? LeadLimit(ChatPrincipal who) =>
        !who.User.IsSignedIn && who.State.OwnedLeadIds.Count >= options.Value.AnonymousMaxLeads
            ? new CommandError(ErrorKind.Throttled, "This chat has already passed on contact details.")
            : null;

    /// <summary>A visitor's session that may book no more meetings: the refusal; else null.</summary>
    public CommandError? MeetingLimit(ChatPrincipal who) =>
        !who.User.IsSignedIn && who.State.OwnedMeetingIds.Count >= options.Value.AnonymousMaxMeetings
            ? new CommandError(ErrorKind.Throttled, "This chat has already booked the meetings a visitor may book.")
            : null;

    /// <summary>
    /// Creates a lead (source chatbot) owned by this session. A contact (email or phone) that another lead holds
    /// never makes that lead the session's: a new lead is made anyway, flagged in its notes as a possible duplicate
    /// of the other one for staff to merge, and the outcome looks exactly like a fresh lead's.
    /// </summary>
    public async Task<LeadOutcome> CreateLeadAsync(ChatPrincipal who, string? name, string? email, string? phone, string? company, string? need)
    {
        ArgumentNullException.ThrowIfNull(who);
        if (LeadLimit(who) is { } limit)
        {
            return new LeadOutcome(null, limit);
        }

        var id = Guid.CreateVersion7().ToString();
        var notes = need is null ? null : "Via chat: " + need;
        var result = await grains.Reference<ILeadGrain>(id).CreateAsync(new NewLead(name, email, phone, company, Source: LeadSource.Chatbot, Notes: notes), Actor.Chatbot);
        if (!result.IsSuccess && result.Error!.Kind == ErrorKind.Conflict && result.Error.Fields?.GetValueOrDefault("existing_id") is [var existing, ..])
        {
            var field = result.Error.Fields.GetValueOrDefault("field") is [var f, ..] ? f : "contact";
            var flagged = $"Possible duplicate of lead {existing} (same {field}): a chat visitor matching this contact asked to be contacted"
                          + (need is null ? "." : ": " + need);
            id = Guid.CreateVersion7().ToString();
            result = await grains.Reference<ILeadGrain>(id)
                .CreateAsync(new NewLead(name, email, phone, company, Source: LeadSource.Chatbot, Notes: flagged), Actor.Chatbot, allowDuplicate: true);
        }

        if (!result.IsSuccess)
        {
            return new LeadOutcome(null, result.Error);
        }

        who.State.OwnedLeadIds.Add(id);
        who.State.Created["lead"] = id;
        return new LeadOutcome(id, null);
    }

    /// <summary>Opens a ticket for the signed-in user (numbered by the ticket number grain, authored by the chatbot).</summary>
    public async Task<CommandResult<TicketDto>> OpenTicketAsync(ChatPrincipal who, string subject, string? description, TicketPriority priority)
    {
        ArgumentNullException.ThrowIfNull(who);
        if (!who.User.IsSignedIn)
        {
            return new CommandError(ErrorKind.Forbidden, "Support tickets are for signed-in customers.");
        }

        var result = await grains.Reference<ITicketNumberGrain>(ITicketNumberGrain.Key)
            .CreateTicketAsync(new NewTicket(subject, description, priority, who.User.UserId), Actor.Chatbot);
        if (result.IsSuccess)
        {
            who.State.Created["ticket"] = result.Value!.Id;
        }

        return result;
    }

    /// <summary>
    /// A ticket by number read as <paramref name="viewer"/>: someone else's ticket reads exactly like a missing one.
    /// </summary>
    public async Task<TicketDto?> FindTicketAsync(string number, Actor viewer, CancellationToken ct)
    {
        var ticketId = TicketNumbers.TryParse(number, out var n) ? await tickets.FindIdByNumberAsync(n, ct) : null;
        return ticketId is null ? null : await grains.Reference<ITicketGrain>(ticketId).GetAsync(viewer);
    }

    /// <summary>The requester's latest tickets.</summary>
    public async Task<IReadOnlyList<TicketDto>> LatestTicketsAsync(string requesterId, CancellationToken ct) =>
        (await tickets.ListAsync(new TicketListQuery { RequesterId = requesterId, Limit = 5 }, ct)).Items;

    /// <summary>The scheduled meetings from <paramref name="from"/> the principal may see; null when it is nobody known yet.</summary>
    public async Task<IReadOnlyList<MeetingDto>?> UpcomingMeetingsAsync(ChatPrincipal who, DateTime from, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(who);
        if (who.ParticipantKeys is not { Count: > 0 } keys)
        {
            return null;
        }

        var page = await meetings.ListAsync(new MeetingListQuery
        {
            From = from,
            ParticipantKeys = keys,
            Status = MeetingStatus.Scheduled,
            Limit = 10,
        }, ct);
        return [.. page.Items.Where(who.MayActOn)];
    }

    /// <summary>
    /// Books a meeting organized by <paramref name="organizer"/> on the chatbot's behalf, with the signed-in user or
    /// (for a visitor) the lead this session created as participant; <paramref name="name"/> names it.
    /// </summary>
    public async Task<MeetingResult> BookMeetingAsync(
        ChatPrincipal who, DateTime start, int minutes, string zone, string name, string sessionId, UserDto organizer)
    {
        ArgumentNullException.ThrowIfNull(who);
        if (MeetingLimit(who) is { } limit)
        {
            return limit;
        }

        var user = who.User;
        var leadId = user.IsSignedIn ? null : who.OwnLeadId;
        if (!user.IsSignedIn && leadId is null)
        {
            return new CommandError(ErrorKind.Forbidden, "A visitor's meeting needs the lead this chat created first.");
        }

        var participant = leadId is null
            ? new ParticipantInput(ParticipantKind.User, user.UserId!)
            : new ParticipantInput(ParticipantKind.Lead, leadId);
        var meeting = new MeetingPatch
        {
            Title = Optional<string>.Of($"Meeting with {name}"),
            Date = Optional<DateTime>.Of(start),
            DurationMinutes = Optional<int>.Of(minutes),
            TimeZone = Optional<string>.Of(zone),
            Participants = Optional<IReadOnlyList<ParticipantInput>>.Of([participant]),
            LeadId = leadId is null ? Optional<string>.Absent : Optional<string>.Of(leadId),
            Notes = Optional<string>.Of($"Booked by the chat assistant (session {sessionId})."),
        };
        var result = await grains.Reference<IMeetingGrain>(Guid.CreateVersion7().ToString()).CreateAsync(meeting, BotActor(organizer));
        if (result.IsSuccess)
        {
            who.State.OwnedMeetingIds.Add(result.Value!.Id);
            who.State.Created["meeting"] = result.Value.Id;
        }

        return result;
    }

    /// <summary>
    /// Cancels one of the principal's meetings as the chatbot (on the bot owner's calendar when there is one).
    /// Anyone else's meeting, or an unknown id, is refused exactly alike (not found), and nothing changes.
    /// </summary>
    public async Task<MeetingResult> CancelMeetingAsync(ChatPrincipal who, string meetingId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(who);
        var meeting = string.IsNullOrWhiteSpace(meetingId) || meetingId.Length > MeetingIdMaxLength
            ? null
            : await grains.Reference<IMeetingGrain>(meetingId).GetAsync();
        if (meeting is null || !who.MayActOn(meeting))
        {
            return CommandError.NotFound("There is no such meeting among yours.");
        }

        var organizer = await BotOwnerAsync(ct);
        var actor = organizer is null ? Actor.Chatbot : BotActor(organizer);
        return await grains.Reference<IMeetingGrain>(meetingId)
            .UpdateAsync(new MeetingPatch { Status = Optional<MeetingStatus>.Of(MeetingStatus.Cancelled) }, actor);
    }

    /// <summary>
    /// The staff user who organizes the assistant's meetings: the configured one, else the first active admin.
    /// The meeting grain requires an existing user as organizer, and the chatbot itself is none.
    /// </summary>
    public async Task<UserDto?> BotOwnerAsync(CancellationToken ct)
    {
        if (options.Value.BotOwnerUserId is { Length: > 0 } configured)
        {
            return await users.FindByIdAsync(configured, ct) is { IsActive: true } owner && owner.Role.IsStaff() ? owner : null;
        }

        var admins = await users.ListAsync(new UserListQuery { Role = UserRole.Admin, IsActive = true, Limit = 1 }, ct);
        return admins.Items.FirstOrDefault();
    }

    /// <summary>The chatbot acting on the owner's calendar: the timeline shows the chatbot, the grain finds its organizer.</summary>
    public static Actor BotActor(UserDto owner) => new(ActorKind.Chatbot, owner.Id, owner.Role, Actor.Chatbot.Name);
}
