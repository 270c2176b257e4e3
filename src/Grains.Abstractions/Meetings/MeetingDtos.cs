using CrmChatbot.Common;

namespace CrmChatbot.Meetings;

/// <summary>A participant as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("crm.meeting-participant-dto")]
public sealed record ParticipantDto(
    [property: Id(0)] ParticipantKind Kind,
    [property: Id(1)] string? UserId,
    [property: Id(2)] string? LeadId,
    [property: Id(3)] string? Email,
    [property: Id(4)] string? Name,
    [property: Id(5)] ParticipantResponse Response,
    [property: Id(6)] bool IsOrganizer);

/// <summary>A meeting as the API returns it. <see cref="Date"/> is the start, UTC.</summary>
[GenerateSerializer, Immutable, Alias("crm.meeting")]
public sealed record MeetingDto(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] DateTime Date,
    [property: Id(3)] DateTime End,
    [property: Id(4)] int DurationMinutes,
    [property: Id(5)] string? TimeZone,
    [property: Id(6)] string? Location,
    [property: Id(7)] string? MeetingUrl,
    [property: Id(8)] MeetingStatus Status,
    [property: Id(9)] IReadOnlyList<ParticipantDto> Participants,
    [property: Id(10)] string? Notes,
    [property: Id(11)] string? LeadId,
    [property: Id(12)] string? TicketId,
    [property: Id(13)] string OrganizerId,
    [property: Id(14)] DateTime? ReminderSentAt,
    [property: Id(15)] DateTime CreatedAt,
    [property: Id(16)] DateTime UpdatedAt,
    [property: Id(17)] long Version) : IVersioned;

/// <summary>
/// A participant named in a request: a user id, a lead id or an email, and optionally their answer. A null
/// <see cref="Kind"/> is a plain string as the original API took it (<see cref="Text"/>): the meeting grain
/// resolves it to a user or lead (by id or email), else an email, else a name-only guest.
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.participant-input")]
public sealed record ParticipantInput(
    [property: Id(0)] ParticipantKind? Kind,
    [property: Id(1)] string Ref,
    [property: Id(2)] ParticipantResponse? Response = null)
{
    /// <summary>A plain-string participant, resolved by the meeting grain.</summary>
    public static ParticipantInput Text(string text) => new(null, text);
}

/// <summary>
/// The fields of a new meeting or a partial update: only present fields change. On create, absent
/// fields take their defaults. <see cref="Participants"/> replaces the whole list (the organizer stays).
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.meeting-patch")]
public sealed record MeetingPatch
{
    [Id(0)] public Optional<string> Title { get; init; }
    [Id(1)] public Optional<DateTime> Date { get; init; }
    [Id(2)] public Optional<DateTime> End { get; init; }
    [Id(3)] public Optional<int> DurationMinutes { get; init; }
    [Id(4)] public Optional<string> TimeZone { get; init; }
    [Id(5)] public Optional<string> Location { get; init; }
    [Id(6)] public Optional<string> MeetingUrl { get; init; }
    [Id(7)] public Optional<MeetingStatus> Status { get; init; }
    [Id(8)] public Optional<IReadOnlyList<ParticipantInput>> Participants { get; init; }
    [Id(9)] public Optional<string> Notes { get; init; }
    [Id(10)] public Optional<string> LeadId { get; init; }
    [Id(11)] public Optional<string> TicketId { get; init; }
}

/// <summary>A scheduled meeting that overlaps the one being booked, for one user.</summary>
[GenerateSerializer, Immutable, Alias("crm.meeting-conflict")]
public sealed record MeetingConflict(
    [property: Id(0)] string MeetingId,
    [property: Id(1)] string Title,
    [property: Id(2)] DateTime Start,
    [property: Id(3)] DateTime End,
    [property: Id(4)] string UserId);

/// <summary>The outcome of a meeting command: the meeting, or an error (with the conflicts of a refused booking).</summary>
[GenerateSerializer, Immutable, Alias("crm.meeting-result")]
public sealed record MeetingResult(
    [property: Id(0)] MeetingDto? Value,
    [property: Id(1)] CommandError? Error,
    [property: Id(2)] IReadOnlyList<MeetingConflict>? Conflicts = null)
{
    public bool IsSuccess => Error is null;

    public static MeetingResult Ok(MeetingDto value) => new(value, null);

    public static implicit operator MeetingResult(CommandError error) => new(null, error);
}

/// <summary>One meeting held in a user's calendar, [Start, End).</summary>
[GenerateSerializer, Immutable, Alias("crm.calendar-slot")]
public sealed record CalendarSlot(
    [property: Id(0)] string MeetingId,
    [property: Id(1)] string Title,
    [property: Id(2)] DateTime Start,
    [property: Id(3)] DateTime End);

/// <summary>Filters, sort and paging of <c>GET /api/meetings</c>.</summary>
public sealed record MeetingListQuery
{
    /// <summary>Meetings that overlap [From, To): they end after From and start before To.</summary>
    public DateTime? From { get; init; }

    public DateTime? To { get; init; }

    /// <summary>Participant keys, any of which matches (<c>user:id</c>, <c>lead:id</c>, <c>email:addr</c>).</summary>
    public IReadOnlyList<string>? ParticipantKeys { get; init; }

    public MeetingStatus? Status { get; init; }
    public string? LeadId { get; init; }
    public string? TicketId { get; init; }

    /// <summary>Case-insensitive substring of title, notes or location.</summary>
    public string? Text { get; init; }

    public SortOrder<MeetingSortField> Sort { get; init; } = new(MeetingSortField.Date, Descending: false);
    public int Limit { get; init; } = 50;
    public int Offset { get; init; }
}
