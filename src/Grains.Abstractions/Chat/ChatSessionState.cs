using CrmChatbot.Common;

namespace CrmChatbot.Chat;

/// <summary>Where a conversation is: with the bot, queued for a human, with an agent, or over.</summary>
public enum ChatSessionStatus
{
    Active,
    WaitingForAgent,
    WithAgent,
    Closed,
}

/// <summary>Who wrote a transcript message.</summary>
public enum ChatRole
{
    User,
    Bot,
    Agent,
    System,
}

/// <summary>One line of the transcript.</summary>
[GenerateSerializer, Alias("crm.chat-message")]
public sealed class ChatMessage
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public ChatRole Role { get; set; }
    [Id(2)] public string Text { get; set; } = "";
    [Id(3)] public DateTime At { get; set; }
    [Id(4)] public string? AuthorId { get; set; }
    [Id(5)] public string? AuthorName { get; set; }

    public ChatMessageDto ToDto() => new(Id, Role, Text, At, AuthorId, AuthorName);
}

/// <summary>
/// The persisted state of one chat session (collection <c>chat_sessions</c>); the id is the grain key.
/// Sessions are conversations, not CRM entities: no timeline, but a version for ETags. The assistant's
/// own memory (pending task, expected slot) is kept by the grain in <c>chat_dialogues</c>; the
/// intent and slots here are the last turn's, for staff views and lists. Its writes append the messages they move
/// out of the document (<see cref="IAppendsRows{TRow}"/>).
/// </summary>
[GenerateSerializer, Alias("crm.chat-session-state")]
public sealed class ChatSessionState : IAppendsRows<ArchivedChatMessage>
{
    [Id(0)] public long Version { get; set; }
    [Id(1)] public ChatSessionStatus Status { get; set; } = ChatSessionStatus.Active;

    /// <summary>The signed-in owner, or null for an anonymous visitor.</summary>
    [Id(2)] public string? OwnerUserId { get; set; }
    [Id(3)] public string? OwnerName { get; set; }

    /// <summary>Hex SHA-256 of a visitor's session token; the token itself is never stored.</summary>
    [Id(4)] public string? OwnerTokenHash { get; set; }
    [Id(5)] public string? AssignedAgentId { get; set; }
    [Id(6)] public string? AssignedAgentName { get; set; }
    [Id(7)] public string? Intent { get; set; }
    [Id(8)] public Dictionary<string, string> Slots { get; set; } = [];

    /// <summary>
    /// The most recent messages, oldest first (at most <see cref="ChatLimits.StoredRecentMessages"/> once stored);
    /// the earlier ones are rows of <see cref="ChatStorage.Messages"/> (<see cref="IChatSessionStore"/>).
    /// </summary>
    [Id(9)] public List<ChatMessage> Messages { get; set; } = [];

    /// <summary>Every message ever added, including those dropped from the bounded transcript.</summary>
    [Id(10)] public int MessageCount { get; set; }
    [Id(11)] public string TimeZone { get; set; } = "UTC";
    [Id(12)] public DateTime CreatedAt { get; set; }
    [Id(13)] public DateTime UpdatedAt { get; set; }
    [Id(14)] public DateTime LastActivityAt { get; set; }
    [Id(15)] public DateTime? ClosedAt { get; set; }
    [Id(16)] public string? OwnerEmail { get; set; }

    /// <summary>Start of the current one-minute window of the owner's messages (the per-session message limit).</summary>
    [Id(17)] public DateTime MessageWindowStart { get; set; }

    /// <summary>Owner messages accepted since <see cref="MessageWindowStart"/>.</summary>
    [Id(18)] public int MessagesInWindow { get; set; }

    /// <summary>
    /// Events of the session (a hand-off) stored with it and not yet appended to the timeline and event outbox
    /// (MongoDB; see <see cref="IEntityState"/>). A session records no other history.
    /// </summary>
    [Id(19)] public List<TimelineEntry> PendingTimeline { get; set; } = [];

    /// <summary>
    /// The session's outbox of archived messages (<see cref="IAppendsRows{TRow}.PendingRows"/>, stored as
    /// <c>pending_archive</c>): messages a stored write moved out of <see cref="Messages"/> and not yet appended as rows
    /// of <see cref="ChatStorage.Messages"/>. The entity store keeps it.
    /// </summary>
    [Id(20)] public List<ArchivedChatMessage> PendingArchive { get; set; } = [];

    List<ArchivedChatMessage> IAppendsRows<ArchivedChatMessage>.PendingRows
    {
        get => PendingArchive;
        set => PendingArchive = value;
    }

    public ChatSessionState Copy() => new()
    {
        Version = Version,
        Status = Status,
        OwnerUserId = OwnerUserId,
        OwnerName = OwnerName,
        OwnerTokenHash = OwnerTokenHash,
        AssignedAgentId = AssignedAgentId,
        AssignedAgentName = AssignedAgentName,
        Intent = Intent,
        Slots = new(Slots),
        Messages = [.. Messages],
        MessageCount = MessageCount,
        TimeZone = TimeZone,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        LastActivityAt = LastActivityAt,
        ClosedAt = ClosedAt,
        OwnerEmail = OwnerEmail,
        MessageWindowStart = MessageWindowStart,
        MessagesInWindow = MessagesInWindow,
        PendingTimeline = [.. PendingTimeline],
        PendingArchive = [.. PendingArchive],
    };

    /// <summary>The session as the API shows it; <paramref name="earlier"/> is the archived start of the transcript.</summary>
    public ChatSessionDto ToDto(string id, IReadOnlyList<ChatMessage>? earlier = null) => new(
        id, Status, OwnerUserId, OwnerName, OwnerUserId is null, AssignedAgentId, AssignedAgentName, Intent,
        new Dictionary<string, string>(Slots), [.. Transcript(earlier).Select(m => m.ToDto())], MessageCount, TimeZone,
        CreatedAt, UpdatedAt, LastActivityAt, ClosedAt, Version);

    /// <summary>
    /// The whole transcript: the archived messages, then the recent ones, the last
    /// <see cref="ChatLimits.TranscriptMessages"/>. An archived message still among the recent ones (the archive
    /// was written, the session not) appears once.
    /// </summary>
    private IEnumerable<ChatMessage> Transcript(IReadOnlyList<ChatMessage>? earlier)
    {
        if (earlier is null || earlier.Count == 0)
        {
            return Messages;
        }

        var recent = Messages.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        var all = earlier.Where(m => !recent.Contains(m.Id)).Concat(Messages).ToList();
        return all.Skip(Math.Max(0, all.Count - ChatLimits.TranscriptMessages));
    }

    public ChatSessionSummaryDto ToSummary(string id) => new(
        id, Status, OwnerUserId, OwnerName, OwnerUserId is null, AssignedAgentId, AssignedAgentName, Intent,
        Messages.Count > 0 ? Messages[^1].ToDto() : null, MessageCount, CreatedAt, UpdatedAt, LastActivityAt, ClosedAt, Version);
}

public static class ChatLimits
{
    /// <summary>Messages kept in a session's transcript; older ones are dropped (the count is kept).</summary>
    public const int TranscriptMessages = 500;

    /// <summary>
    /// Messages the session document holds at most. A turn rewrites that document, so it stays small: every
    /// message beyond this moves, in the same write, to an append-only row of <see cref="ChatStorage.Messages"/>
    /// (a turn appends its two rows and rewrites a document of this many messages).
    /// </summary>
    public const int StoredRecentMessages = 10;

    public const int TextMaxLength = 2000;

    public const int TimeZoneMaxLength = 64;
}

/// <summary>
/// The archive of a session's transcript as builds before store version 5 kept it: ONE document per session
/// (collection <see cref="ChatStorage.LegacyTranscripts"/>, keyed like the session) rewritten whenever messages were
/// archived. Read only by the stores' migration to <see cref="ChatStorage.Messages"/> rows (<see cref="ChatArchive.FromLegacy"/>).
/// </summary>
[GenerateSerializer, Alias("crm.chat-transcript-state")]
public sealed class ChatTranscriptState
{
    /// <summary>Oldest first; its newest ones may also be among the session's recent messages (written, session not).</summary>
    [Id(0)] public List<ChatMessage> Messages { get; set; } = [];
}

/// <summary>
/// One archived message: a row of <see cref="ChatStorage.Messages"/>, keyed by the session's id and the message's
/// ordinal in the session (1 = the greeting; <see cref="ChatSessionState.MessageCount"/> = the newest). Rows are
/// appended, never rewritten.
/// </summary>
[GenerateSerializer, Alias("crm.archived-chat-message")]
public sealed class ArchivedChatMessage
{
    [Id(0)] public string SessionId { get; set; } = "";
    [Id(1)] public long Seq { get; set; }
    [Id(2)] public ChatMessage Message { get; set; } = new();
}

public static class ChatStorage
{
    /// <summary>The grain-state name and collection of chat sessions.</summary>
    public const string Sessions = "chat_sessions";

    /// <summary>The assistant's memory per session (pending task, collected slots), keyed like the session.</summary>
    public const string Dialogues = "chat_dialogues";

    /// <summary>Archived messages, one append-only row each (<see cref="ArchivedChatMessage"/>), by session and sequence.</summary>
    public const string Messages = "chat_messages";

    /// <summary>The one-document-per-session archive of builds before store version 5 (<see cref="ChatTranscriptState"/>); migrated to <see cref="Messages"/>.</summary>
    public const string LegacyTranscripts = "chat_transcripts";
}

/// <summary>How long a session may stay without messages before it closes by itself.</summary>
public sealed class ChatSessionOptions
{
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>Messages the owner may send per minute in one session (CHAT_MESSAGES_PER_MINUTE); more are refused (429).</summary>
    public int MessagesPerMinute { get; set; } = 20;
}
