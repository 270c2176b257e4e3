namespace CrmChatbot.Chat.Language;

/// <summary>The dialogue state the engine needs to read one message.</summary>
/// <param name="Now">Reference instant for relative dates ("tomorrow", "in 2 hours").</param>
/// <param name="TimeZone">Session time zone, an IANA id; times without a zone are read in it.</param>
/// <param name="PendingIntent">The intent the bot is currently collecting slots for, if any.</param>
/// <param name="ExpectedSlot">The slot key the bot just asked for ("email", "start", ... or "confirm").</param>
/// <param name="Slots">Slot values already collected; lets "make it 4pm" keep the earlier date.</param>
/// <param name="Faq">Knowledge base for FAQ answers; no FAQ intent without it.</param>
public sealed record ChatContext(
    DateTimeOffset Now,
    string TimeZone = "UTC",
    Intent? PendingIntent = null,
    string? ExpectedSlot = null,
    IReadOnlyDictionary<string, string>? Slots = null,
    FaqKnowledge? Faq = null);

/// <summary>The engine's reading of one message.</summary>
public sealed record Analysis(
    Intent Intent,
    double Confidence,
    IReadOnlyDictionary<string, string> Slots,
    bool IsCorrection,
    FaqMatch? Faq = null);

/// <summary>Slot keys produced by the engine; values are normalized strings.</summary>
public static class SlotKeys
{
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Name = "name";
    public const string Company = "company";
    public const string Need = "need";
    public const string TicketNumber = "ticket_number";
    public const string Priority = "priority";
    public const string Subject = "subject";
    public const string Description = "description";
    public const string Start = "start";
    public const string Date = "date";
    public const string TimeZone = "time_zone";
    public const string DurationMinutes = "duration_minutes";
    public const string MeetingRef = "meeting_ref";
    public const string FaqId = "faq_id";
}
