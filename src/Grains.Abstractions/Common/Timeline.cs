namespace CrmChatbot.Common;

/// <summary>One field of a change: its value before and after, as compact JSON (null when absent).</summary>
[GenerateSerializer, Alias("crm.field-change")]
public sealed class FieldChange
{
    public FieldChange()
    {
    }

    public FieldChange(string field, string? from, string? to)
    {
        Field = field;
        From = from;
        To = to;
    }

    [Id(0)] public string Field { get; set; } = "";
    [Id(1)] public string? From { get; set; }
    [Id(2)] public string? To { get; set; }
}

/// <summary>
/// One entry of an entity's history: who did what, when, and which fields changed. Entries are
/// written by the entity's grain and are immutable; <see cref="Id"/> makes appending idempotent.
/// </summary>
[GenerateSerializer, Alias("crm.timeline-entry")]
public sealed class TimelineEntry
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string EntityKind { get; set; } = "";
    [Id(2)] public string EntityId { get; set; } = "";
    [Id(3)] public long Version { get; set; }
    [Id(4)] public DateTime At { get; set; }
    [Id(5)] public ActorKind ActorKind { get; set; }
    [Id(6)] public string? ActorId { get; set; }
    [Id(7)] public string? ActorName { get; set; }

    /// <summary>What happened: created, updated, deleted, or a workflow verb (converted, commented...).</summary>
    [Id(8)] public string Action { get; set; } = "";

    [Id(9)] public List<FieldChange> Changes { get; set; } = [];

    /// <summary>Free text for actions that are more than field changes (a comment excerpt, a reason).</summary>
    [Id(10)] public string? Note { get; set; }

    /// <summary>
    /// The entity after the change as the API shows it (snake_case JSON): the data of the change's webhook event.
    /// Stored with the entry in the event outbox (<c>IEventOutbox</c>) only; the timeline itself does not keep it.
    /// </summary>
    [Id(11)] public string? Snapshot { get; set; }

    /// <summary>This entry as the timeline stores it: without <see cref="Snapshot"/> (a copy when there is one).</summary>
    public TimelineEntry WithoutSnapshot()
    {
        if (Snapshot is null)
        {
            return this;
        }

        var copy = (TimelineEntry)MemberwiseClone();
        copy.Snapshot = null;
        return copy;
    }
}

/// <summary>
/// State of a grain-backed entity: a version (the HTTP ETag, bumped by every change) and the outbox of its
/// timeline entries (<see cref="IEntityStore"/>: stored with the state, appended to the timeline afterwards).
/// </summary>
public interface IEntityState
{
    long Version { get; set; }

    List<TimelineEntry> PendingTimeline { get; set; }
}

/// <summary>
/// Append-only store of timeline entries, one collection for every entity kind. Appending an entry whose id is
/// already stored leaves it as it is (idempotent).
/// </summary>
public interface ITimelineStore : IAppendOnlyRows<TimelineEntry>
{
    /// <summary>An entity's history, newest first.</summary>
    Task<Page<TimelineEntry>> ListAsync(string entityKind, string entityId, int limit, int offset, CancellationToken cancellationToken = default);

    /// <summary>
    /// An entity's history newest first, without the entries whose action is one of <paramref name="excludedActions"/>:
    /// filtered, counted and paged by the store (a client's view of a ticket), never by reading the whole history.
    /// </summary>
    Task<Page<TimelineEntry>> ListAsync(
        string entityKind, string entityId, int limit, int offset, IReadOnlyCollection<string> excludedActions, CancellationToken cancellationToken = default);
}
