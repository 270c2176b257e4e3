namespace CrmChatbot.Chat.Language;

/// <summary>What the user wants with one message.</summary>
public enum Intent
{
    Unknown,
    Greeting,
    Help,
    CreateLead,
    BookMeeting,
    OpenTicket,
    TicketStatus,
    ListMeetings,
    CancelMeeting,
    Faq,
    Handoff,
    Cancel,
    Affirm,
    Deny,
    Thanks,
    Goodbye,
}
