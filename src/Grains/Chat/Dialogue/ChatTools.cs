using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Meetings;
using CrmChatbot.Tickets;
using CrmChatbot.Users;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Chat.Dialogue;

/// <summary>A lead the assistant made (<see cref="Existing"/> false), found by its contact (true), or a refusal.</summary>
public sealed record LeadOutcome(string? Id, bool Existing, CommandError? Error)
{
    /// <summary>The action to report: lead_created or lead_exists; null after a refusal.</summary>
    public DialogueAction? Action => Id is null ? null
        : new DialogueAction(Existing ? DialogueActions.LeadExists : DialogueActions.LeadCreated, Id);
}

/// <summary>
/// The CRM operations of the chat assistant, shared by the deterministic <see cref="DialogueManager"/> and the
/// language-model assistant so both act through the same grains, rules and authorship (the chatbot).
/// </summary>
public sealed class ChatTools(
    IGrainFactory grains,
    IUserQueries users,
    ITicketQueries tickets,
    IMeetingQueries meetings,
    IOptions<ChatOptions> options)
{
    /// <summary>Creates the lead (source chatbot); a 409 naming an existing lead with that contact finds it instead.</summary>
    public async Task<LeadOutcome> CreateLeadAsync(string? name, string? email, string? phone, string? company, string? need)
    {
        var id = Guid.CreateVersion7().ToString();
        var lead = new NewLead(name, email, phone, company,
            Source: LeadSource.Chatbot,
            Notes: need is null ? null : "Via chat: " + need);
        var result = await grains.GetGrain<ILeadGrain>(id).CreateAsync(lead, Actor.Chatbot);
        if (result.IsSuccess)
        {
            return new LeadOutcome(id, false, null);
        }

        var error = result.Error!;
        return error.Kind == ErrorKind.Conflict && error.Fields?.GetValueOrDefault("existing_id") is [var existing, ..]
            ? new LeadOutcome(existing, true, null)
            : new LeadOutcome(null, false, error);
    }

    /// <summary>Opens a ticket numbered by the ticket number grain, authored by the chatbot.</summary>
    public Task<CommandResult<TicketDto>> OpenTicketAsync(NewTicket ticket) =>
        grains.GetGrain<ITicketNumberGrain>(ITicketNumberGrain.Key).CreateTicketAsync(ticket, Actor.Chatbot);

    /// <summary>
    /// A ticket by number read as <paramref name="viewer"/>: someone else's ticket reads exactly like a missing one.
    /// </summary>
    public async Task<TicketDto?> FindTicketAsync(string number, Actor viewer, CancellationToken ct)
    {
        var ticketId = TicketNumbers.TryParse(number, out var n) ? await tickets.FindIdByNumberAsync(n, ct) : null;
        return ticketId is null ? null : await grains.GetGrain<ITicketGrain>(ticketId).GetAsync(viewer);
    }

    /// <summary>The requester's latest tickets.</summary>
    public async Task<IReadOnlyList<TicketDto>> LatestTicketsAsync(string requesterId, CancellationToken ct) =>
        (await tickets.ListAsync(new TicketListQuery { RequesterId = requesterId, Limit = 5 }, ct)).Items;

    /// <summary>The scheduled meetings from <paramref name="from"/> of one participant (<c>user:id</c> or <c>lead:id</c>).</summary>
    public async Task<IReadOnlyList<MeetingDto>> UpcomingMeetingsAsync(string participantKey, DateTime from, CancellationToken ct) =>
        (await meetings.ListAsync(new MeetingListQuery
        {
            From = from,
            ParticipantKeys = [participantKey],
            Status = MeetingStatus.Scheduled,
            Limit = 10,
        }, ct)).Items;

    /// <summary>
    /// Books a meeting organized by <paramref name="organizer"/> on the chatbot's behalf, with the signed-in user or
    /// (for a visitor) the lead <paramref name="leadId"/> as participant; <paramref name="who"/> names it.
    /// </summary>
    public Task<MeetingResult> BookMeetingAsync(
        DateTime start, int minutes, string zone, ChatUser user, string? leadId, string who, string sessionId, UserDto organizer)
    {
        var participant = leadId is null
            ? new ParticipantInput(ParticipantKind.User, user.UserId!)
            : new ParticipantInput(ParticipantKind.Lead, leadId);
        var meeting = new MeetingPatch
        {
            Title = Optional<string>.Of($"Meeting with {who}"),
            Date = Optional<DateTime>.Of(start),
            DurationMinutes = Optional<int>.Of(minutes),
            TimeZone = Optional<string>.Of(zone),
            Participants = Optional<IReadOnlyList<ParticipantInput>>.Of([participant]),
            LeadId = leadId is null ? Optional<string>.Absent : Optional<string>.Of(leadId),
            Notes = Optional<string>.Of($"Booked by the chat assistant (session {sessionId})."),
        };
        return grains.GetGrain<IMeetingGrain>(Guid.CreateVersion7().ToString()).CreateAsync(meeting, BotActor(organizer));
    }

    /// <summary>Whose meetings the chat may show: the signed-in user's, or those of the lead made in this chat; null = unknown.</summary>
    public static string? ParticipantKey(ChatUser user, DialogueState state) =>
        user.IsSignedIn ? "user:" + user.UserId
        : state.Created.TryGetValue("lead", out var leadId) ? "lead:" + leadId
        : null;

    /// <summary>Sets the meeting's status to cancelled as the chatbot (on the bot owner's calendar when there is one).</summary>
    public async Task<MeetingResult> CancelMeetingAsync(string meetingId, CancellationToken ct)
    {
        var organizer = await BotOwnerAsync(ct);
        var actor = organizer is null ? Actor.Chatbot : BotActor(organizer);
        return await grains.GetGrain<IMeetingGrain>(meetingId)
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
