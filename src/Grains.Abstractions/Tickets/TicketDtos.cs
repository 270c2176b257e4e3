using System.Globalization;
using System.Text.Json.Serialization;
using CrmChatbot.Common;

namespace CrmChatbot.Tickets;

[GenerateSerializer, Immutable, Alias("crm.ticket-sla-dto")]
public sealed record TicketSlaDto(
    [property: Id(0)] DateTime FirstResponseDue,
    [property: Id(1)] DateTime ResolutionDue,
    [property: Id(2)] bool FirstResponseBreached,
    [property: Id(3)] bool ResolutionBreached);

/// <summary>
/// A ticket as the API returns it (comments are served separately, filtered by role). The staff-only fields
/// (<c>assignee_id</c>, <c>tags</c>, <c>sla</c>, <c>sla_breached</c>) are null in a client's view
/// (<see cref="TicketViews"/>) and then left out of the JSON.
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.ticket")]
public sealed record TicketDto(
    [property: Id(0)] string Id,
    [property: Id(1)] string Number,
    [property: Id(2)] string Subject,
    [property: Id(3)] string? Description,
    [property: Id(4)] TicketPriority Priority,
    [property: Id(5)] TicketStatus Status,
    [property: Id(6)] string? RequesterId,
    [property: Id(7), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AssigneeId,
    [property: Id(8), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Tags,
    [property: Id(9)] DateTime CreatedAt,
    [property: Id(10)] DateTime UpdatedAt,
    [property: Id(11)] DateTime? ResolvedAt,
    [property: Id(12)] DateTime? ClosedAt,
    [property: Id(13)] DateTime? FirstResponseAt,
    [property: Id(14), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TicketSlaDto? Sla,
    [property: Id(15), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? SlaBreached,
    [property: Id(16)] long Version) : IVersioned;

/// <summary>
/// What a viewer may see of a ticket. Clients see their ticket without staff-only data: who it is assigned to,
/// staff tags (e.g. <c>fraud-suspect</c>) and the SLA bookkeeping.
/// </summary>
public static class TicketViews
{
    /// <summary>Timeline fields a client never sees the changes of.</summary>
    public static readonly IReadOnlySet<string> StaffOnlyFields =
        new HashSet<string>(StringComparer.Ordinal) { "assignee_id", "tags", "sla", "sla_breached" };

    public static TicketDto For(Actor viewer, TicketDto ticket) =>
        viewer.IsStaff ? ticket : ticket with { AssigneeId = null, Tags = null, Sla = null, SlaBreached = null };
}

[GenerateSerializer, Immutable, Alias("crm.ticket-comment-dto")]
public sealed record TicketCommentDto(
    [property: Id(0)] string Id,
    [property: Id(1)] string? AuthorId,
    [property: Id(2)] string? AuthorName,
    [property: Id(3)] bool AuthorIsStaff,
    [property: Id(4)] string Body,
    [property: Id(5)] bool Internal,
    [property: Id(6)] DateTime CreatedAt);

/// <summary>
/// The fields of a new ticket. The API has already resolved the requester (a client is always their own).
/// <see cref="Status"/> is the initial status (null: open), as the original API accepted it on create.
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.new-ticket")]
public sealed record NewTicket(
    [property: Id(0)] string? Subject,
    [property: Id(1)] string? Description = null,
    [property: Id(2)] TicketPriority? Priority = null,
    [property: Id(3)] string? RequesterId = null,
    [property: Id(4)] string? AssigneeId = null,
    [property: Id(5)] IReadOnlyList<string>? Tags = null,
    [property: Id(6)] TicketStatus? Status = null);

/// <summary>A partial update: only fields that are present change.</summary>
[GenerateSerializer, Immutable, Alias("crm.ticket-patch")]
public sealed record TicketPatch
{
    [Id(0)] public Optional<string> Subject { get; init; }
    [Id(1)] public Optional<string> Description { get; init; }
    [Id(2)] public Optional<TicketPriority> Priority { get; init; }
    [Id(3)] public Optional<TicketStatus> Status { get; init; }
    [Id(4)] public Optional<string> AssigneeId { get; init; }
    [Id(5)] public Optional<IReadOnlyList<string>> Tags { get; init; }
}

[GenerateSerializer, Immutable, Alias("crm.new-ticket-comment")]
public sealed record NewTicketComment(
    [property: Id(0)] string? Body,
    [property: Id(1)] bool Internal = false);

/// <summary>Filters, sort and paging of <c>GET /api/tickets</c>.</summary>
public sealed record TicketListQuery
{
    public TicketStatus? Status { get; init; }
    public TicketPriority? Priority { get; init; }
    public string? AssigneeId { get; init; }
    public string? RequesterId { get; init; }
    public bool? SlaBreached { get; init; }
    public long? Number { get; init; }
    public string? Tag { get; init; }

    /// <summary>Case-insensitive substring of subject or description, or a ticket number (T-1001 or 1001).</summary>
    public string? Text { get; init; }

    public SortOrder<TicketSortField> Sort { get; init; } = new(TicketSortField.CreatedAt, Descending: true);
    public int Limit { get; init; } = 50;
    public int Offset { get; init; }
}

/// <summary>Ticket numbers as people write them: <c>T-1001</c> (case-insensitive).</summary>
public static class TicketNumbers
{
    public const long First = 1001;

    public static string Format(long number) => "T-" + number.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses <c>T-1001</c> (or <c>t-1001</c>); false for anything else.</summary>
    public static bool TryParse(string? text, out long number)
    {
        number = 0;
        return text is { Length: > 2 and <= 20 } && (text[0] == 'T' || text[0] == 't') && text[1] == '-' &&
               text.AsSpan(2).IndexOfAnyExceptInRange('0', '9') < 0 &&
               long.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0;
    }
}

/// <summary>Sizes the API checks early and the ticket rules enforce.</summary>
public static class TicketLimits
{
    /// <summary>Longest description (characters), for every role.</summary>
    public const int DescriptionMaxLength = 10_000;

    /// <summary>Longest comment body (characters), for every role.</summary>
    public const int CommentMaxLength = 5_000;

    public const int IdMaxLength = 100;
    public const int TagMaxLength = 40;
    public const int TextSearchMaxLength = 200;
}
