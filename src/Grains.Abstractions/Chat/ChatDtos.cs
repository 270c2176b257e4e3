using CrmChatbot.Common;
using CrmChatbot.Users;

namespace CrmChatbot.Chat;

[GenerateSerializer, Immutable, Alias("crm.chat-message-dto")]
public sealed record ChatMessageDto(
    [property: Id(0)] string Id,
    [property: Id(1)] ChatRole Role,
    [property: Id(2)] string Text,
    [property: Id(3)] DateTime At,
    [property: Id(4)] string? AuthorId,
    [property: Id(5)] string? AuthorName);

/// <summary>A session with its transcript. <see cref="Visitor"/>: owned by an anonymous visitor.</summary>
[GenerateSerializer, Immutable, Alias("crm.chat-session-dto")]
public sealed record ChatSessionDto(
    [property: Id(0)] string Id,
    [property: Id(1)] ChatSessionStatus Status,
    [property: Id(2)] string? OwnerUserId,
    [property: Id(3)] string? OwnerName,
    [property: Id(4)] bool Visitor,
    [property: Id(5)] string? AssignedAgentId,
    [property: Id(6)] string? AssignedAgentName,
    [property: Id(7)] string? Intent,
    [property: Id(8)] IReadOnlyDictionary<string, string> Slots,
    [property: Id(9)] IReadOnlyList<ChatMessageDto> Messages,
    [property: Id(10)] int MessageCount,
    [property: Id(11)] string TimeZone,
    [property: Id(12)] DateTime CreatedAt,
    [property: Id(13)] DateTime UpdatedAt,
    [property: Id(14)] DateTime LastActivityAt,
    [property: Id(15)] DateTime? ClosedAt,
    [property: Id(16)] long Version) : IVersioned;

/// <summary>A session in a list: its last message instead of the transcript.</summary>
[GenerateSerializer, Immutable, Alias("crm.chat-session-summary")]
public sealed record ChatSessionSummaryDto(
    [property: Id(0)] string Id,
    [property: Id(1)] ChatSessionStatus Status,
    [property: Id(2)] string? OwnerUserId,
    [property: Id(3)] string? OwnerName,
    [property: Id(4)] bool Visitor,
    [property: Id(5)] string? AssignedAgentId,
    [property: Id(6)] string? AssignedAgentName,
    [property: Id(7)] string? Intent,
    [property: Id(8)] ChatMessageDto? LastMessage,
    [property: Id(9)] int MessageCount,
    [property: Id(10)] DateTime CreatedAt,
    [property: Id(11)] DateTime UpdatedAt,
    [property: Id(12)] DateTime LastActivityAt,
    [property: Id(13)] DateTime? ClosedAt,
    [property: Id(14)] long Version);

/// <summary>
/// Who calls a session: a signed-in user, and/or the visitor token presented (X-Chat-Token). The
/// grain decides access from both; a caller without access sees "not found".
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.chat-caller")]
public sealed record ChatCaller(
    [property: Id(0)] Actor? User,
    [property: Id(1)] string? Token,
    [property: Id(2)] string? Email = null)
{
    public static ChatCaller Visitor(string token) => new(null, token);

    public static ChatCaller Of(Actor user) => new(user, null);

    public bool IsStaff => User is { Kind: ActorKind.User, Role: UserRole.Admin or UserRole.Agent };
}

/// <summary>Something the assistant did in the CRM (lead_created, ticket_created, meeting_booked...).</summary>
[GenerateSerializer, Immutable, Alias("crm.chat-action")]
public sealed record ChatAction([property: Id(0)] string Type, [property: Id(1)] string Id);

/// <summary>
/// The outcome of a user message: the bot's reply (null while a human has the conversation), what it
/// understood and did, and the messages added (for live pushes). <see cref="PreviousStatus"/> tells
/// whether the turn moved the session (a hand-off request).
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.chat-turn-result")]
public sealed record ChatTurnResult(
    [property: Id(0)] string? Reply,
    [property: Id(1)] string? Intent,
    [property: Id(2)] IReadOnlyDictionary<string, string> Slots,
    [property: Id(3)] IReadOnlyList<ChatAction> Actions,
    [property: Id(4)] IReadOnlyList<string> Suggestions,
    [property: Id(5)] ChatSessionStatus Status,
    [property: Id(6)] ChatSessionStatus PreviousStatus,
    [property: Id(7)] IReadOnlyList<ChatMessageDto> Added,
    [property: Id(8)] string? AssignedAgentId);

/// <summary>A state change (assign, release, close) with the messages it added, for live pushes.</summary>
[GenerateSerializer, Immutable, Alias("crm.chat-change")]
public sealed record ChatChange(
    [property: Id(0)] ChatSessionDto Session,
    [property: Id(1)] ChatSessionStatus PreviousStatus,
    [property: Id(2)] IReadOnlyList<ChatMessageDto> Added);

/// <summary>A filter and page over chat sessions; newest activity first.</summary>
public sealed record ChatSessionListQuery
{
    public ChatSessionStatus? Status { get; init; }
    public string? OwnerUserId { get; init; }
    public string? AssignedAgentId { get; init; }
    public int Limit { get; init; } = 50;
    public int Offset { get; init; }
}
