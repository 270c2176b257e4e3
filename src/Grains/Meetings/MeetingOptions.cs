namespace CrmChatbot.Meetings;

/// <summary>Settings of meeting grains.</summary>
public sealed class MeetingOptions
{
    /// <summary>How long before the start the reminder fires (MEETING_REMINDER_MINUTES).</summary>
    public TimeSpan ReminderOffset { get; set; } = TimeSpan.FromMinutes(15);
}
