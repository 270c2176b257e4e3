using CrmChatbot.Common;

namespace CrmChatbot.Tickets;

/// <summary>The SLA of one ticket: due times from its priority, and whether each was missed (sticky).</summary>
[GenerateSerializer, Alias("crm.ticket-sla")]
public sealed class TicketSla
{
    [Id(0)] public DateTime FirstResponseDue { get; set; }
    [Id(1)] public DateTime ResolutionDue { get; set; }
    [Id(2)] public bool FirstResponseBreached { get; set; }
    [Id(3)] public bool ResolutionBreached { get; set; }

    public TicketSla Copy() => new()
    {
        FirstResponseDue = FirstResponseDue,
        ResolutionDue = ResolutionDue,
        FirstResponseBreached = FirstResponseBreached,
        ResolutionBreached = ResolutionBreached,
    };
}

/// <summary>
/// A public reply or an internal note: one row of the <c>ticket_comments</c> collection
/// (<see cref="ITicketCommentStore"/>), appended with the ticket's write; in the ticket's document only while in its
/// outbox (<see cref="TicketState.PendingComments"/>).
/// </summary>
[GenerateSerializer, Alias("crm.ticket-comment")]
public sealed class TicketComment
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string? AuthorId { get; set; }
    [Id(2)] public string? AuthorName { get; set; }
    [Id(3)] public bool AuthorIsStaff { get; set; }
    [Id(4)] public string Body { get; set; } = "";
    [Id(5)] public bool Internal { get; set; }
    [Id(6)] public DateTime CreatedAt { get; set; }
    [Id(7)] public string TicketId { get; set; } = "";

    /// <summary>1, 2, 3... per ticket, in the order the grain added them: the list order.</summary>
    [Id(8)] public long Seq { get; set; }

    public TicketCommentDto ToDto() => new(Id, AuthorId, AuthorName, AuthorIsStaff, Body, Internal, CreatedAt);
}

/// <summary>
/// The persisted state of one ticket; the id is the grain key. <see cref="Number"/> is the
/// human-friendly number (1001 is shown as T-1001), unique and gap-free across the cluster. Its writes append its
/// comments (<see cref="IAppendsRows{TRow}"/>).
/// </summary>
[GenerateSerializer, Alias("crm.ticket-state")]
public sealed class TicketState : IAppendsRows<TicketComment>
{
    [Id(0)] public long Number { get; set; }
    [Id(1)] public string Subject { get; set; } = "";
    [Id(2)] public string? Description { get; set; }
    [Id(3)] public TicketPriority Priority { get; set; } = TicketPriority.Medium;
    [Id(4)] public TicketStatus Status { get; set; } = TicketStatus.Open;
    [Id(5)] public string? RequesterId { get; set; }
    [Id(6)] public string? AssigneeId { get; set; }
    [Id(7)] public List<string> Tags { get; set; } = [];
    [Id(8)] public DateTime CreatedAt { get; set; }
    [Id(9)] public DateTime UpdatedAt { get; set; }
    [Id(10)] public DateTime? ResolvedAt { get; set; }
    [Id(11)] public DateTime? ClosedAt { get; set; }
    [Id(12)] public DateTime? FirstResponseAt { get; set; }
    [Id(13)] public TicketSla Sla { get; set; } = new();

    /// <summary>Either SLA missed; a top-level field so lists can filter on it with an index.</summary>
    [Id(14)] public bool SlaBreached { get; set; }

    /// <summary>
    /// Comments as documents stored them before comments got their own collection: read only, moved to the
    /// comment store (and emptied) when the grain activates. Never diffed: internal notes must not leak.
    /// </summary>
    [Id(15), TimelineIgnore] public List<TicketComment> Comments { get; set; } = [];

    [Id(16)] public long Version { get; set; }
    [Id(17)] public List<TimelineEntry> PendingTimeline { get; set; } = [];

    /// <summary>
    /// The ticket's comment outbox (<see cref="IAppendsRows{TRow}.PendingRows"/>, stored as <c>pending_comments</c>):
    /// comments of a stored change not yet in the comment store. The entity store keeps it.
    /// </summary>
    [Id(18), TimelineIgnore] public List<TicketComment> PendingComments { get; set; } = [];

    List<TicketComment> IAppendsRows<TicketComment>.PendingRows
    {
        get => PendingComments;
        set => PendingComments = value;
    }

    /// <summary>Comments ever added (public and internal): the next comment's <see cref="TicketComment.Seq"/>.</summary>
    [Id(19), TimelineIgnore] public long CommentCount { get; set; }

    /// <summary>When the requester commented within the last hour (the client comment quota; at most the quota).</summary>
    [Id(20), TimelineIgnore] public List<DateTime> ClientCommentTimes { get; set; } = [];

    /// <summary>When the requester closed or reopened the ticket within the last day (the client status quota).</summary>
    [Id(21), TimelineIgnore] public List<DateTime> ClientStatusChangeTimes { get; set; } = [];

    /// <summary>The ticket as staff see it.</summary>
    public TicketDto ToDto(string id) => new(
        id, TicketNumbers.Format(Number), Subject, Description, Priority, Status, RequesterId, AssigneeId, [.. Tags],
        CreatedAt, UpdatedAt, ResolvedAt, ClosedAt, FirstResponseAt,
        new TicketSlaDto(Sla.FirstResponseDue, Sla.ResolutionDue, Sla.FirstResponseBreached, Sla.ResolutionBreached),
        SlaBreached, Version);

    /// <summary>The ticket as <paramref name="viewer"/> may see it (<see cref="TicketViews.For"/>).</summary>
    public TicketDto ToDto(string id, Actor viewer) => TicketViews.For(viewer, ToDto(id));
}
