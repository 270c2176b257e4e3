using CrmChatbot.Common;

namespace CrmChatbot.Meetings;

/// <summary>One participant as stored: a user, a lead, an email address or a display name, with their answer.</summary>
[GenerateSerializer, Alias("crm.meeting-participant")]
public sealed class Participant
{
    [Id(0)] public ParticipantKind Kind { get; set; }

    /// <summary>The user id, lead id, lower-cased email address or display name, depending on <see cref="Kind"/>.</summary>
    [Id(1)] public string Ref { get; set; } = "";

    /// <summary>Display name and email known when the participant was added (for invitations).</summary>
    [Id(2)] public string? Name { get; set; }

    [Id(3)] public string? Email { get; set; }
    [Id(4)] public ParticipantResponse Response { get; set; } = ParticipantResponse.NeedsAction;
    [Id(5)] public bool IsOrganizer { get; set; }

    /// <summary>The key lists filter by: <c>user:&lt;id&gt;</c>, <c>lead:&lt;id&gt;</c>, <c>email:&lt;addr&gt;</c>, <c>name:&lt;name&gt;</c>.</summary>
    public string Key() => ParticipantKeys.Of(Kind, Ref);

    public Participant Copy() => new() { Kind = Kind, Ref = Ref, Name = Name, Email = Email, Response = Response, IsOrganizer = IsOrganizer };

    public ParticipantDto ToDto() => new(
        Kind, Kind == ParticipantKind.User ? Ref : null, Kind == ParticipantKind.Lead ? Ref : null, Email, Name, Response, IsOrganizer);
}

public static class ParticipantKeys
{
    public static string Of(ParticipantKind kind, string reference) => kind switch
    {
        ParticipantKind.User => "user:" + reference,
        ParticipantKind.Lead => "lead:" + reference,
        ParticipantKind.Name => "name:" + reference,
        _ => "email:" + reference,
    };

    /// <summary>
    /// Every key a list can find this meeting by: each participant's key, plus the email of user and
    /// lead participants, so <c>participant=ada@example.com</c> finds her however she was invited.
    /// </summary>
    public static List<string> All(IEnumerable<Participant> participants) =>
    [
        .. participants
            .SelectMany(p => p.Email is { } email && p.Kind != ParticipantKind.Email ? new[] { p.Key(), Of(ParticipantKind.Email, email) } : [p.Key()])
            .Distinct(StringComparer.Ordinal),
    ];
}

/// <summary>The persisted state of one meeting. Times are UTC; the id is the grain key.</summary>
[GenerateSerializer, Alias("crm.meeting-state")]
public sealed class MeetingState : IEntityState
{
    [Id(0)] public string Title { get; set; } = "";
    [Id(1)] public DateTime Start { get; set; }
    [Id(2)] public DateTime End { get; set; }

    /// <summary>IANA time zone the meeting is planned in (for display); times stay UTC.</summary>
    [Id(3)] public string? TimeZone { get; set; }

    [Id(4)] public string? Location { get; set; }
    [Id(5)] public string? MeetingUrl { get; set; }
    [Id(6)] public MeetingStatus Status { get; set; } = MeetingStatus.Scheduled;
    [Id(7)] public List<Participant> Participants { get; set; } = [];
    [Id(8)] public string? Notes { get; set; }
    [Id(9)] public string? LeadId { get; set; }
    [Id(10)] public string? TicketId { get; set; }
    [Id(11)] public string OrganizerId { get; set; } = "";
    [Id(12)] public DateTime? ReminderSentAt { get; set; }
    [Id(13)] public DateTime CreatedAt { get; set; }
    [Id(14)] public DateTime UpdatedAt { get; set; }
    [Id(15)] public long Version { get; set; }
    [Id(16)] public List<TimelineEntry> PendingTimeline { get; set; } = [];

    /// <summary>Ids of the users taking part (they hold the meeting in their calendars while it is scheduled).</summary>
    public IReadOnlyList<string> UserIds() =>
        [.. Participants.Where(p => p.Kind == ParticipantKind.User).Select(p => p.Ref).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Leads the meeting engages: the linked lead and lead participants.</summary>
    public IReadOnlyList<string> LeadIds() =>
        [.. Participants.Where(p => p.Kind == ParticipantKind.Lead).Select(p => p.Ref).Concat(LeadId is null ? [] : [LeadId]).Distinct(StringComparer.Ordinal)];

    /// <summary>The keys a participant filter finds this meeting by; the linked lead counts as taking part.</summary>
    public List<string> ParticipantFilterKeys() =>
        [.. ParticipantKeys.All(Participants).Concat(LeadId is null ? [] : [ParticipantKeys.Of(ParticipantKind.Lead, LeadId)]).Distinct(StringComparer.Ordinal)];

    public bool HasUser(string userId) => Participants.Any(p => p.Kind == ParticipantKind.User && p.Ref == userId);

    public MeetingDto ToDto(string id) => new(
        id, Title, Start, End, (int)(End - Start).TotalMinutes, TimeZone, Location, MeetingUrl, Status,
        [.. Participants.Select(p => p.ToDto())], Notes, LeadId, TicketId, OrganizerId, ReminderSentAt, CreatedAt, UpdatedAt, Version);
}
