using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Schemas;

namespace CrmChatbot.Storage.Queries;

/// <summary>Lead lists from the <c>leads</c> collection through <see cref="IDocumentQueries"/>, on any store.</summary>
public sealed class LeadQueries(IDocumentQueries documents) : EntityListQueries<LeadListQuery, LeadState, LeadDto>(documents, StorageNames.Leads), ILeadQueries
{
    protected override LeadDto Map(StoredDocument<LeadState> document) => document.State.ToDto(document.Id);

    protected override DocumentQuery Build(LeadListQuery query)
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
