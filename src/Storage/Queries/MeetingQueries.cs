using CrmChatbot.Common;
using CrmChatbot.Meetings;
using CrmChatbot.Storage.Schemas;

namespace CrmChatbot.Storage.Queries;

/// <summary>Meeting lists from the <c>meetings</c> collection through <see cref="IDocumentQueries"/>, on any store.</summary>
public sealed class MeetingQueries : IMeetingQueries
{
    private readonly IDocumentQueries _documents;

    public MeetingQueries(IDocumentQueries documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        _documents = documents;
    }

    public async Task<Page<MeetingDto>> ListAsync(MeetingListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueryRules.ValidatePaging(query.Limit, query.Offset);
        return await _documents.PageAsync<MeetingState, MeetingDto>(
            MeetingNames.Collection, Build(query), d => d.State.ToDto(d.Id), cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<MeetingDto> WalkAsync(MeetingListQuery query, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _documents.WalkAsync<MeetingState, MeetingDto>(MeetingNames.Collection, Build(query), d => d.State.ToDto(d.Id), pageSize, cancellationToken);
    }

    /// <summary>The list's filters, search and sort as a document query (one definition for pages and walks).</summary>
    private static DocumentQuery Build(MeetingListQuery query)
    {
        var filters = new FilterSet();
        // Overlap with [from, to): the meeting ends after from and starts before to.
        if (query.From is { } from)
        {
            filters.Add(new FieldFilter(MeetingSchema.End, FilterOp.Gt, from));
        }

        if (query.To is { } to)
        {
            filters.Add(new FieldFilter(MeetingSchema.Start, FilterOp.Lt, to));
        }

        if (query.ParticipantKeys is { } keys)
        {
            filters.Add(FieldFilter.In(MeetingSchema.ParticipantKeys, keys));
        }

        filters.EqIfSet(MeetingSchema.Status, query.Status);
        filters.EqIfSet(MeetingSchema.LeadId, query.LeadId);
        filters.EqIfSet(MeetingSchema.TicketId, query.TicketId);

        var sortField = query.Sort.Field switch
        {
            MeetingSortField.Date => MeetingSchema.Start,
            MeetingSortField.CreatedAt => MeetingSchema.CreatedAt,
            MeetingSortField.Title => MeetingSchema.TitleLower,
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.Sort.Field, "Unknown meeting sort field."),
        };

        return DocumentQuery.Page(filters, sortField, query.Sort.Descending, query.Limit, query.Offset, query.Text);
    }
}
