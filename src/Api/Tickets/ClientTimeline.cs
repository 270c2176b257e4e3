using CrmChatbot.Common;

namespace CrmChatbot.Api.Tickets;

/// <summary>
/// A ticket's timeline as a client may see it: without internal-note entries. It reads the whole
/// history (bounded by the comment limit) and pages what is left, so totals and offsets stay
/// consistent for the client.
/// </summary>
public sealed class ClientTimeline(ITimelineStore inner) : ITimelineStore
{
    /// <summary>Actions a client never sees.</summary>
    public static readonly IReadOnlySet<string> HiddenActions = new HashSet<string>(StringComparer.Ordinal) { "internal_note" };

    private const int ReadPage = 200;

    public Task AppendAsync(IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("A client's view of a timeline is read-only.");

    public async Task<Page<TimelineEntry>> ListAsync(string entityKind, string entityId, int limit, int offset, CancellationToken cancellationToken = default)
    {
        var visible = new List<TimelineEntry>();
        for (var skip = 0; ; skip += ReadPage)
        {
            var page = await inner.ListAsync(entityKind, entityId, ReadPage, skip, cancellationToken);
            visible.AddRange(page.Items.Where(e => !HiddenActions.Contains(e.Action)));
            if (page.Next is null)
            {
                break;
            }
        }

        var next = (long)offset + limit < visible.Count ? offset + limit : (int?)null;
        return new Page<TimelineEntry>([.. visible.Skip(offset).Take(limit)], visible.Count, next);
    }
}
