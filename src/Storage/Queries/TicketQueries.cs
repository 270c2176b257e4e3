using CrmChatbot.Common;
using CrmChatbot.Storage.Schemas;
using CrmChatbot.Tickets;

namespace CrmChatbot.Storage.Queries;

/// <summary>Ticket lists and number look-ups from the <c>tickets</c> collection through <see cref="IDocumentQueries"/>, on any store.</summary>
public sealed class TicketQueries : ITicketQueries
{
    private readonly IDocumentQueries _documents;

    public TicketQueries(IDocumentQueries documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        _documents = documents;
    }

    public async Task<Page<TicketDto>> ListAsync(TicketListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueryRules.ValidatePaging(query.Limit, query.Offset);

        var filters = new List<FieldFilter>();
        void Add(string field, object? value)
        {
            if (value is not null)
            {
                filters.Add(FieldFilter.Eq(field, value));
            }
        }

        Add(TicketFields.Status, query.Status);
        Add(TicketFields.Priority, query.Priority);
        Add(TicketFields.AssigneeId, query.AssigneeId);
        Add(TicketFields.RequesterId, query.RequesterId);
        Add(TicketFields.SlaBreached, query.SlaBreached);
        Add(TicketFields.Number, query.Number);
        Add(TicketFields.Tags, query.Tag?.Trim().ToLowerInvariant());

        // "T-1001" in q means that ticket; other text is a substring of subject, description or number.
        var text = query.Text;
        if (TicketNumbers.TryParse(text, out var number))
        {
            Add(TicketFields.Number, number);
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

        var page = await _documents.QueryAsync<TicketState>(
            TicketStorage.Tickets,
            new DocumentQuery
            {
                Filters = filters,
                Text = text,
                SortField = sortField,
                Descending = query.Sort.Descending,
                Limit = query.Limit,
                Offset = query.Offset,
            },
            cancellationToken).ConfigureAwait(false);
        return new Page<TicketDto>(page.Items.Select(d => d.State.ToDto(d.Id)).ToList(), page.Total, page.Next);
    }

    public async Task<string?> FindIdByNumberAsync(long number, CancellationToken cancellationToken = default)
    {
        var doc = await _documents.FindOneAsync<TicketState>(
            TicketStorage.Tickets, [FieldFilter.Eq(TicketFields.Number, number)], cancellationToken).ConfigureAwait(false);
        return doc?.Id;
    }
}
