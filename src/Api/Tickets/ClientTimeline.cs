using CrmChatbot.Common;
using CrmChatbot.Tickets;

namespace CrmChatbot.Api.Tickets;

/// <summary>
/// A ticket's timeline as a client may see it. Entries a client never sees (internal notes, assignment and
/// staff-only updates, SLA breaches) are filtered, counted and paged by the store, so a call reads one page,
/// never the whole history. The entries' versions are renumbered 1, 2, 3... over what the client sees (the
/// ticket's own versions would show gaps where hidden entries are), and changes of staff-only fields are dropped.
/// </summary>
public sealed class ClientTimeline(ITimelineStore inner) : ITimelineStore
{
    /// <summary>Actions a client never sees.</summary>
    public static readonly IReadOnlySet<string> HiddenActions =
        new HashSet<string>(StringComparer.Ordinal) { "internal_note", "assigned", "staff_updated", "sla_breached" };

    public Task AppendAsync(IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("A client's view of a timeline is read-only.");

    public Task<Page<TimelineEntry>> ListAsync(string entityKind, string entityId, int limit, int offset, CancellationToken cancellationToken = default) =>
        ListAsync(entityKind, entityId, limit, offset, [], cancellationToken);

    public async Task<Page<TimelineEntry>> ListAsync(
        string entityKind, string entityId, int limit, int offset, IReadOnlyCollection<string> excludedActions, CancellationToken cancellationToken = default)
    {
        var page = await inner.ListAsync(entityKind, entityId, limit, offset, [.. HiddenActions, .. excludedActions], cancellationToken);
        // Newest first: the entry at position i of this page is the client's (total - offset - i)-th.
        var items = page.Items.Select((entry, i) => ForClient(entry, page.Total - offset - i)).ToList();
        return new Page<TimelineEntry>(items, page.Total, page.Next);
    }

    private static TimelineEntry ForClient(TimelineEntry entry, long version) => new()
    {
        Id = entry.Id,
        EntityKind = entry.EntityKind,
        EntityId = entry.EntityId,
        Version = version,
        At = entry.At,
        ActorKind = entry.ActorKind,
        ActorId = entry.ActorId,
        ActorName = entry.ActorName,
        Action = entry.Action,
        Changes = [.. entry.Changes.Where(c => !TicketViews.StaffOnlyFields.Contains(c.Field))],
        Note = entry.Note,
    };
}
