namespace CrmChatbot.Meetings;

/// <summary>Storage and timeline names of meetings (kept here, not in the shared StorageNames).</summary>
public static class MeetingNames
{
    /// <summary>The meetings collection (grain state name).</summary>
    public const string Collection = "meetings";

    /// <summary>The per-user calendars that make conflict checks atomic.</summary>
    public const string CalendarCollection = "user_calendars";

    /// <summary>The kind in URLs and timelines.</summary>
    public const string Kind = "meeting";

    /// <summary>The Orleans reminder that announces a meeting before it starts.</summary>
    public const string ReminderName = "meeting-start";
}
