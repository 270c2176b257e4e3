namespace CrmChatbot.Meetings;

/// <summary>Where a meeting is in its life. Allowed transitions are defined by <c>MeetingRules.Transitions</c>.</summary>
public enum MeetingStatus
{
    Scheduled,
    Completed,
    Cancelled,
    NoShow,
}

/// <summary>
/// Who a participant is: a CRM user, a lead, anybody else by email, or a guest known only by a display
/// name (the original API took participants as plain strings such as "Bob from Acme").
/// </summary>
public enum ParticipantKind
{
    User,
    Lead,
    Email,
    Name,
}

/// <summary>A participant's answer to the invitation (iCalendar PARTSTAT).</summary>
public enum ParticipantResponse
{
    NeedsAction,
    Accepted,
    Declined,
    Tentative,
}

/// <summary>Fields a meeting list can be sorted by.</summary>
public enum MeetingSortField
{
    Date,
    CreatedAt,
    Title,
}
