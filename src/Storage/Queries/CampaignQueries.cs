using CrmChatbot.Campaigns;
using CrmChatbot.Common;
using CrmChatbot.Storage.Schemas;

namespace CrmChatbot.Storage.Queries;

/// <summary>Campaign lists from the <c>campaigns</c> collection through <see cref="IDocumentQueries"/>, on any store.</summary>
public sealed class CampaignQueries(IDocumentQueries documents) : EntityListQueries<CampaignListQuery, CampaignState, CampaignDto>(documents, CampaignNames.Collection), ICampaignQueries
{
    protected override CampaignDto Map(StoredDocument<CampaignState> document) => document.State.ToDto(document.Id);

    protected override DocumentQuery Build(CampaignListQuery query)
    {
        var filters = new FilterSet();
        filters.EqIfSet(CampaignFields.Status, query.Status);
        filters.EqIfSet(CampaignFields.Type, query.Type);

        if (CampaignDates.ToStored(query.ActiveOn) is { } day)
        {
            // Missing dates are stored as far-away bounds, so both ends are plain ranges.
            filters.Add(new FieldFilter(CampaignSchema.ActiveFrom, FilterOp.Lte, day));
            filters.Add(new FieldFilter(CampaignSchema.ActiveUntil, FilterOp.Gte, day));
        }

        var sortField = query.Sort.Field switch
        {
            CampaignSortField.CreatedAt => CampaignFields.CreatedAt,
            CampaignSortField.Name => CampaignSchema.NameLower,
            CampaignSortField.StartDate => CampaignSchema.ActiveFrom,
            CampaignSortField.Budget => CampaignSchema.BudgetCents,
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.Sort.Field, "Unknown campaign sort field."),
        };

        return DocumentQuery.Page(filters, sortField, query.Sort.Descending, query.Limit, query.Offset, query.Text);
    }
}
