using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Schemas;

namespace CrmChatbot.Storage.Queries;

/// <summary>Lead lists from the <c>leads</c> collection through <see cref="IDocumentQueries"/>, on any store.</summary>
public sealed class LeadQueries : ILeadQueries
{
    private readonly IDocumentQueries _documents;

    public LeadQueries(IDocumentQueries documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        _documents = documents;
    }

    public async Task<Page<LeadDto>> ListAsync(LeadListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueryRules.ValidatePaging(query.Limit, query.Offset);
        return await _documents.PageAsync<LeadState, LeadDto>(
            StorageNames.Leads, Build(query), d => d.State.ToDto(d.Id), cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<LeadDto> WalkAsync(LeadListQuery query, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _documents.WalkAsync<LeadState, LeadDto>(StorageNames.Leads, Build(query), d => d.State.ToDto(d.Id), pageSize, cancellationToken);
    }

    /// <summary>The list's filters, search and sort as a document query (one definition for pages and walks).</summary>
    private static DocumentQuery Build(LeadListQuery query)
    {
        var filters = new FilterSet();
        filters.EqIfSet(LeadFields.Status, query.Status);
        filters.EqIfSet(LeadFields.Source, query.Source);
        filters.EqIfSet(LeadFields.OwnerId, query.OwnerId);
        filters.EqIfSet(LeadSchema.CampaignId, query.CampaignId);

        if (query.MinScore is { } minScore)
        {
            filters.Add(new FieldFilter(LeadSchema.Score, FilterOp.Gte, minScore));
        }

        if (query.Converted is { } converted)
        {
            filters.Add(new FieldFilter(LeadFields.Status, converted ? FilterOp.Eq : FilterOp.Ne, LeadStatus.Converted));
        }

        var sortField = query.Sort.Field switch
        {
            LeadSortField.CreatedAt => LeadFields.CreatedAt,
            LeadSortField.UpdatedAt => LeadFields.UpdatedAt,
            LeadSortField.Name => LeadSchema.NameLower,
            LeadSortField.Score => LeadSchema.Score,
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.Sort.Field, "Unknown lead sort field."),
        };

        return DocumentQuery.Page(filters, sortField, query.Sort.Descending, query.Limit, query.Offset, query.Text);
    }
}
