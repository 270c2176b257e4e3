using CrmChatbot.Common;
using CrmChatbot.Meetings;
using CrmChatbot.Storage.Schemas;

namespace CrmChatbot.Storage.Queries;

/// <summary>Meeting lists from the <c>meetings</c> collection through <see cref="IDocumentQueries"/>, on any store.</summary>
public sealed class MeetingQueries(IDocumentQueries documents) : EntityListQueries<MeetingListQuery, MeetingState, MeetingDto>(documents, MeetingNames.Collection), IMeetingQueries
{
    protected override MeetingDto Map(StoredDocument<MeetingState> document) => document.State.ToDto(document.Id);

    protected override DocumentQuery Build(MeetingListQuery query)
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
