using CrmChatbot.Campaigns;
using CrmChatbot.Storage.Queries;

namespace CrmChatbot.Storage.Schemas;

/// <summary>Stored field names of <see cref="CampaignState"/>, inside <see cref="DocumentFields.State"/>.</summary>
public static class CampaignFields
{
    public static readonly string Status = SnakeCase.Convert(nameof(CampaignState.Status));
    public static readonly string Type = SnakeCase.Convert(nameof(CampaignState.Type));
    public static readonly string Name = SnakeCase.Convert(nameof(CampaignState.Name));
    public static readonly string Description = SnakeCase.Convert(nameof(CampaignState.Description));
    public static readonly string TargetAudience = SnakeCase.Convert(nameof(CampaignState.TargetAudience));
    public static readonly string CreatedAt = SnakeCase.Convert(nameof(CampaignState.CreatedAt));
}

/// <summary>
/// The <c>campaigns</c> collection. Open-ended dates are stored beside the state as explicit
/// bounds (<see cref="ActiveFrom"/>, <see cref="ActiveUntil"/>), so "running on d" is two range
/// filters and a start_date sort has no nulls, identically on both stores.
/// </summary>
public static class CampaignSchema
{
    public const string NameLower = "name_lower";

    /// <summary>Computed: start_date, or <see cref="OpenStart"/> when the campaign has none.</summary>
    public const string ActiveFrom = "active_from";

    /// <summary>Computed: end_date, or <see cref="OpenEnd"/> when the campaign has none.</summary>
    public const string ActiveUntil = "active_until";

    /// <summary>
    /// Computed: the budget in cents as a long, the sort key of sort=budget. Exact (budgets have at
    /// most 2 decimals and stay far below 2^63 cents), and it orders numerically on every server
    /// (jongodb orders Decimal128 values as text).
    /// </summary>
    public const string BudgetCents = "budget_cents";

    public static readonly DateTime OpenStart = new(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime OpenEnd = new(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    public static CollectionSchema Schema { get; } = new(CampaignNames.Collection, typeof(CampaignState))
    {
        SearchFields = [CampaignFields.Name, CampaignFields.Description, CampaignFields.TargetAudience],
        Computed = new Dictionary<string, Func<object, object?>>
        {
            [NameLower] = state => ((CampaignState)state).Name?.ToLowerInvariant(),
            [ActiveFrom] = state => ((CampaignState)state).StartDate ?? OpenStart,
            [ActiveUntil] = state => ((CampaignState)state).EndDate ?? OpenEnd,
            [BudgetCents] = state => (long)(((CampaignState)state).Budget * 100),
        },
        CountedFields = [CampaignFields.Status, CampaignFields.Type],
        Indexes =
        [
            IndexSpec.On(new IndexKey(CampaignFields.CreatedAt, true), new IndexKey(DocumentFields.Id, true)),
            IndexSpec.On(NameLower, DocumentFields.Id),
            IndexSpec.On(ActiveFrom, DocumentFields.Id),
            IndexSpec.On(ActiveUntil),
            IndexSpec.On(BudgetCents, DocumentFields.Id),
            IndexSpec.On(CampaignFields.Status, new IndexKey(CampaignFields.CreatedAt, true), new IndexKey(DocumentFields.Id, true)),
            IndexSpec.On(CampaignFields.Type, new IndexKey(CampaignFields.CreatedAt, true), new IndexKey(DocumentFields.Id, true)),
        ],
    };
}
