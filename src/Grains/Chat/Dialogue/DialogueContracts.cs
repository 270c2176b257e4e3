using CrmChatbot.Chat.Language;
using CrmChatbot.Users;

namespace CrmChatbot.Chat.Dialogue;

/// <summary>
/// What the assistant remembers between turns of one conversation: the task in progress, the slots
/// collected so far, the slot it just asked for, and whether it waits for a yes/no. Persisted inside
/// the chat session grain's state.
/// </summary>
[GenerateSerializer, Alias("crm.dialogue-state")]
public sealed class DialogueState
{
    [Id(0)] public Intent? PendingIntent { get; set; }
    [Id(1)] public Dictionary<string, string> Slots { get; set; } = [];
    [Id(2)] public string? ExpectedSlot { get; set; }
    [Id(3)] public bool AwaitingConfirmation { get; set; }

    /// <summary>Consecutive turns the assistant did not understand; after a few it offers a human.</summary>
    [Id(4)] public int Misses { get; set; }

    /// <summary>IANA zone for understanding "tomorrow at 3pm".</summary>
    [Id(5)] public string TimeZone { get; set; } = "UTC";

    /// <summary>Ids of entities created in this conversation (for "my ticket", "that meeting").</summary>
    [Id(6)] public Dictionary<string, string> Created { get; set; } = [];

    /// <summary>The assistant offered a human after repeated misses; a "yes" now requests the handoff.</summary>
    [Id(7)] public bool HandoffOffered { get; set; }

    /// <summary>A human was requested in this conversation.</summary>
    [Id(8)] public bool HandoffRequested { get; set; }

    /// <summary>
    /// Leads this conversation created itself, oldest first: the only leads a visitor's session may act for.
    /// Written by <see cref="ChatTools"/> only; a lead matched by email or phone is never added.
    /// </summary>
    [Id(9)] public List<string> OwnedLeadIds { get; set; } = [];

    /// <summary>Meetings this conversation booked (ChatTools only): with <see cref="OwnedLeadIds"/>, what a visitor may list or cancel.</summary>
    [Id(10)] public List<string> OwnedMeetingIds { get; set; } = [];

    /// <summary>A deep copy: the manager never changes the state it was given.</summary>
    public DialogueState Copy() => new()
    {
        PendingIntent = PendingIntent,
        Slots = new Dictionary<string, string>(Slots, StringComparer.Ordinal),
        ExpectedSlot = ExpectedSlot,
        AwaitingConfirmation = AwaitingConfirmation,
        Misses = Misses,
        TimeZone = TimeZone,
        Created = new Dictionary<string, string>(Created, StringComparer.Ordinal),
        HandoffOffered = HandoffOffered,
        HandoffRequested = HandoffRequested,
        OwnedLeadIds = [.. OwnedLeadIds],
        OwnedMeetingIds = [.. OwnedMeetingIds],
    };

    /// <summary>True when <paramref name="other"/> remembers exactly the same (a turn that changed nothing need not be stored).</summary>
    public bool SameAs(DialogueState other) =>
        PendingIntent == other.PendingIntent &&
        SameEntries(Slots, other.Slots) &&
        ExpectedSlot == other.ExpectedSlot &&
        AwaitingConfirmation == other.AwaitingConfirmation &&
        Misses == other.Misses &&
        TimeZone == other.TimeZone &&
        SameEntries(Created, other.Created) &&
        HandoffOffered == other.HandoffOffered &&
        HandoffRequested == other.HandoffRequested &&
        OwnedLeadIds.SequenceEqual(other.OwnedLeadIds, StringComparer.Ordinal) &&
        OwnedMeetingIds.SequenceEqual(other.OwnedMeetingIds, StringComparer.Ordinal);

    private static bool SameEntries(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(x => b.TryGetValue(x.Key, out var value) && value == x.Value);

    /// <summary>Forgets the task in progress (not the entities created, nor the zone).</summary>
    public void ClearTask()
    {
        PendingIntent = null;
        Slots = [];
        ExpectedSlot = null;
        AwaitingConfirmation = false;
    }
}

/// <summary>Types of <see cref="DialogueAction"/>.</summary>
public static class DialogueActions
{
    /// <summary>
    /// A lead was recorded for this conversation. Also when its contact matched an existing lead: then the new lead
    /// is flagged for staff as a possible duplicate, and the visitor is told nothing about the other one.
    /// </summary>
    public const string LeadCreated = "lead_created";
    public const string TicketCreated = "ticket_created";
    public const string MeetingBooked = "meeting_booked";
    public const string MeetingCancelled = "meeting_cancelled";
    public const string HandoffRequested = "handoff_requested";
}

/// <summary>Who is chatting: a signed-in user, or an anonymous visitor (UserId null).</summary>
[GenerateSerializer, Immutable, Alias("crm.chat-user")]
public sealed record ChatUser(
    [property: Id(0)] string? UserId,
    [property: Id(1)] UserRole? Role,
    [property: Id(2)] string? Name,
    [property: Id(3)] string? Email)
{
    public static ChatUser Visitor { get; } = new(null, null, null, null);

    public bool IsSignedIn => UserId is not null;
}

/// <summary>Something the assistant did in the CRM: lead_created, ticket_created, meeting_booked, meeting_cancelled...</summary>
[GenerateSerializer, Immutable, Alias("crm.dialogue-action")]
public sealed record DialogueAction([property: Id(0)] string Type, [property: Id(1)] string Id);

/// <summary>The outcome of one user message.</summary>
public sealed record DialogueTurn(
    string Reply,
    Intent Intent,
    IReadOnlyDictionary<string, string> Slots,
    IReadOnlyList<DialogueAction> Actions,
    IReadOnlyList<string> Suggestions,
    bool HandoffRequested,
    DialogueState State);

/// <summary>
/// The deterministic assistant: understands a message (LanguageEngine), asks for what is missing,
/// confirms, and acts through the same grains and rules as the REST API, as the chatbot actor.
/// Stateless: the conversation's memory comes in and goes out as <see cref="DialogueState"/>.
/// </summary>
public interface IDialogueManager
{
    /// <summary>The opening message of a new session.</summary>
    string Greeting(ChatUser user);

    Task<DialogueTurn> HandleAsync(DialogueState state, string text, ChatUser user, string sessionId, CancellationToken cancellationToken = default);
}
