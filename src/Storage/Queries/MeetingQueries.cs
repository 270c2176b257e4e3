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

        var filters = new List<FieldFilter>();
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

        if (query.Status is { } status)
        {
            filters.Add(FieldFilter.Eq(MeetingSchema.Status, status));
        }

        if (query.LeadId is { } leadId)
        {
            filters.Add(FieldFilter.Eq(MeetingSchema.LeadId, leadId));
        }

        if (query.TicketId is { } ticketId)
        {
            filters.Add(FieldFilter.Eq(MeetingSchema.TicketId, ticketId));
        }

        var sortField = query.Sort.Field switch
        {
            MeetingSortField.Date => MeetingSchema.Start,
            MeetingSortField.CreatedAt => MeetingSchema.CreatedAt,
            MeetingSortField.Title => MeetingSchema.TitleLower,
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.Sort.Field, "Unknown meeting sort field."),
        };

        var page = await _documents.QueryAsync<MeetingState>(
            MeetingNames.Collection,
            new DocumentQuery
            {
                Filters = filters,
                Text = query.Text,
                SortField = sortField,
                Descending = query.Sort.Descending,
                Limit = query.Limit,
                Offset = query.Offset,
            },
            cancellationToken).ConfigureAwait(false);
        return new Page<MeetingDto>(page.Items.Select(d => d.State.ToDto(d.Id)).ToList(), page.Total, page.Next);
    }
}
