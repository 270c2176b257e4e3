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
/// intent and slots here are the last turn's, for staff views and lists.
/// </summary>
[GenerateSerializer, Alias("crm.chat-session-state")]
public sealed class ChatSessionState
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

    /// <summary>The last <see cref="ChatLimits.TranscriptMessages"/> messages, oldest first.</summary>
    [Id(9)] public List<ChatMessage> Messages { get; set; } = [];

    /// <summary>Every message ever added, including those dropped from the bounded transcript.</summary>
    [Id(10)] public int MessageCount { get; set; }
    [Id(11)] public string TimeZone { get; set; } = "UTC";
    [Id(12)] public DateTime CreatedAt { get; set; }
    [Id(13)] public DateTime UpdatedAt { get; set; }
    [Id(14)] public DateTime LastActivityAt { get; set; }
    [Id(15)] public DateTime? ClosedAt { get; set; }
    [Id(16)] public string? OwnerEmail { get; set; }

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
    };

    public ChatSessionDto ToDto(string id) => new(
        id, Status, OwnerUserId, OwnerName, OwnerUserId is null, AssignedAgentId, AssignedAgentName, Intent,
        new Dictionary<string, string>(Slots), [.. Messages.Select(m => m.ToDto())], MessageCount, TimeZone,
        CreatedAt, UpdatedAt, LastActivityAt, ClosedAt, Version);

    public ChatSessionSummaryDto ToSummary(string id) => new(
        id, Status, OwnerUserId, OwnerName, OwnerUserId is null, AssignedAgentId, AssignedAgentName, Intent,
        Messages.Count > 0 ? Messages[^1].ToDto() : null, MessageCount, CreatedAt, UpdatedAt, LastActivityAt, ClosedAt, Version);
}

public static class ChatLimits
{
    /// <summary>Messages kept in a session's transcript; older ones are dropped (the count is kept).</summary>
    public const int TranscriptMessages = 500;

    public const int TextMaxLength = 2000;

    public const int TimeZoneMaxLength = 64;
}

public static class ChatStorage
{
    /// <summary>The grain-state name and collection of chat sessions.</summary>
    public const string Sessions = "chat_sessions";

    /// <summary>The assistant's memory per session (pending task, collected slots), keyed like the session.</summary>
    public const string Dialogues = "chat_dialogues";
}

/// <summary>How long a session may stay without messages before it closes by itself.</summary>
public sealed class ChatSessionOptions
{
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(60);
}
