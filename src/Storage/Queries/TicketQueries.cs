using CrmChatbot.Common;
using CrmChatbot.Storage.Schemas;
using CrmChatbot.Tickets;

namespace CrmChatbot.Storage.Queries;

/// <summary>Ticket lists and number look-ups from the <c>tickets</c> collection through <see cref="IDocumentQueries"/>, on any store.</summary>
public sealed class TicketQueries(IDocumentQueries documents) : EntityListQueries<TicketListQuery, TicketState, TicketDto>(documents, TicketStorage.Tickets), ITicketQueries
{
    protected override TicketDto Map(StoredDocument<TicketState> document) => document.State.ToDto(document.Id);

    protected override DocumentQuery Build(TicketListQuery query)
    {
        var filters = new FilterSet();
        filters.EqIfSet(TicketFields.Status, query.Status);
        filters.EqIfSet(TicketFields.Priority, query.Priority);
        filters.EqIfSet(TicketFields.AssigneeId, query.AssigneeId);
        filters.EqIfSet(TicketFields.RequesterId, query.RequesterId);
        filters.EqIfSet(TicketFields.SlaBreached, query.SlaBreached);
        filters.EqIfSet(TicketFields.Number, query.Number);
        filters.EqIfSet(TicketFields.Tags, query.Tag?.Trim().ToLowerInvariant());

        // "T-1001" in q means that ticket; other text is a substring of subject, description or number.
        var text = query.Text;
        if (TicketNumbers.TryParse(text, out var number))
        {
            filters.EqIfSet(TicketFields.Number, number);
            text = null;
        }

        var sortField = query.Sort.Field switch
        {
            TicketSortField.CreatedAt => TicketFields.CreatedAt,
            TicketSortField.UpdatedAt => TicketFields.UpdatedAt,
            TicketSortField.Priority => TicketSchema.PriorityRank,
            TicketSortField.Number => TicketFields.Number,
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.Sort.Field, "Unknown ticket sort field."),
        };

        return DocumentQuery.Page(filters, sortField, query.Sort.Descending, query.Limit, query.Offset, text);
    }

    public async Task<long> CountOpenAsync(string requesterId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requesterId);
        long open = 0;
        // One indexed count per unresolved status (requester + status each have an index).
        foreach (var status in new[] { TicketStatus.Open, TicketStatus.InProgress, TicketStatus.WaitingOnCustomer })
        {
            var page = await ListAsync(new TicketListQuery { RequesterId = requesterId, Status = status, Limit = 1 }, cancellationToken).ConfigureAwait(false);
            open += page.Total;
        }

        return open;
    }

    public async Task<string?> FindIdByNumberAsync(long number, CancellationToken cancellationToken = default)
    {
        var doc = await Documents.FindOneAsync<TicketState>(
            TicketStorage.Tickets, [FieldFilter.Eq(TicketFields.Number, number)], cancellationToken).ConfigureAwait(false);
        return doc?.Id;
    }
}
