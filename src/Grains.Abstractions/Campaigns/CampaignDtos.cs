using CrmChatbot.Common;

namespace CrmChatbot.Campaigns;

public static class CampaignNames
{
    /// <summary>State name and collection of campaigns.</summary>
    public const string Collection = "campaigns";

    /// <summary>The kind as URLs and timelines name it.</summary>
    public const string Kind = "campaign";
}

/// <summary>A campaign as the API returns it.</summary>
[GenerateSerializer, Immutable, Alias("crm.campaign")]
public sealed record CampaignDto(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] CampaignType Type,
    [property: Id(3)] CampaignStatus Status,
    [property: Id(4)] string? Description,
    [property: Id(5)] string? TargetAudience,
    [property: Id(6)] decimal Budget,
    [property: Id(7)] decimal ActualCost,
    [property: Id(8)] DateOnly? StartDate,
    [property: Id(9)] DateOnly? EndDate,
    [property: Id(10)] CampaignMetricsDto Metrics,
    [property: Id(11)] DateTime CreatedAt,
    [property: Id(12)] DateTime UpdatedAt,
    [property: Id(13)] long Version) : IVersioned;

/// <summary>
/// The counters and the values computed from them. Rates: open_rate = opened/delivered,
/// click_rate = clicked/delivered, conversion_rate = converted/clicked, roi =
/// (revenue - actual_cost)/actual_cost, all rounded to 4 decimals; cost_per_lead =
/// actual_cost/leads_created rounded to 2 decimals. Each is null when its denominator is 0.
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.campaign-metrics")]
public sealed record CampaignMetricsDto(
    [property: Id(0)] long Sent,
    [property: Id(1)] long Delivered,
    [property: Id(2)] long Opened,
    [property: Id(3)] long Clicked,
    [property: Id(4)] long Converted,
    [property: Id(5)] long Unsubscribed,
    [property: Id(6)] long Bounced,
    [property: Id(7)] long LeadsCreated,
    [property: Id(8)] decimal Revenue,
    [property: Id(9)] decimal? OpenRate,
    [property: Id(10)] decimal? ClickRate,
    [property: Id(11)] decimal? ConversionRate,
    [property: Id(12)] decimal? CostPerLead,
    [property: Id(13)] decimal? Roi)
{
    public const int RateDecimals = 4;
    public const int MoneyDecimals = 2;

    public static CampaignMetricsDto From(CampaignMetricsState m, decimal actualCost) => new(
        m.Sent, m.Delivered, m.Opened, m.Clicked, m.Converted, m.Unsubscribed, m.Bounced, m.LeadsCreated, m.Revenue,
        Ratio(m.Opened, m.Delivered, RateDecimals),
        Ratio(m.Clicked, m.Delivered, RateDecimals),
        Ratio(m.Converted, m.Clicked, RateDecimals),
        Ratio(actualCost, m.LeadsCreated, MoneyDecimals),
        Ratio(m.Revenue - actualCost, actualCost, RateDecimals));

    /// <summary>numerator/denominator rounded half away from zero; null for a zero denominator.</summary>
    public static decimal? Ratio(decimal numerator, decimal denominator, int decimals) =>
        denominator == 0 ? null : Math.Round(numerator / denominator, decimals, MidpointRounding.AwayFromZero);
}

/// <summary>The fields of a new campaign; null means the default.</summary>
[GenerateSerializer, Immutable, Alias("crm.new-campaign")]
public sealed record NewCampaign(
    [property: Id(0)] string? Name,
    [property: Id(1)] CampaignType? Type = null,
    [property: Id(2)] CampaignStatus? Status = null,
    [property: Id(3)] string? Description = null,
    [property: Id(4)] string? TargetAudience = null,
    [property: Id(5)] decimal? Budget = null,
    [property: Id(6)] decimal? ActualCost = null,
    [property: Id(7)] DateOnly? StartDate = null,
    [property: Id(8)] DateOnly? EndDate = null,
    [property: Id(9)] MetricIncrements? Metrics = null);

/// <summary>A partial update: only fields that are present change (a present null clears an optional field).</summary>
[GenerateSerializer, Immutable, Alias("crm.campaign-patch")]
public sealed record CampaignPatch
{
    [Id(0)] public Optional<string> Name { get; init; }
    [Id(1)] public Optional<CampaignType> Type { get; init; }
    [Id(2)] public Optional<CampaignStatus> Status { get; init; }
    [Id(3)] public Optional<string> Description { get; init; }
    [Id(4)] public Optional<string> TargetAudience { get; init; }
    [Id(5)] public Optional<decimal> Budget { get; init; }
    [Id(6)] public Optional<decimal> ActualCost { get; init; }
    [Id(7)] public Optional<DateOnly?> StartDate { get; init; }
    [Id(8)] public Optional<DateOnly?> EndDate { get; init; }

    /// <summary>
    /// The original API's <c>metrics</c> object: replaces the hand-kept counters and revenue (absent ones become 0);
    /// <c>leads_created</c> stays counted from leads.
    /// </summary>
    [Id(9)] public Optional<MetricIncrements> Metrics { get; init; }
}

/// <summary>Amounts to add to a campaign's counters; every amount must be >= 0 (no corrections).</summary>
[GenerateSerializer, Immutable, Alias("crm.campaign-metric-increments")]
public sealed record MetricIncrements
{
    [Id(0)] public long Sent { get; init; }
    [Id(1)] public long Delivered { get; init; }
    [Id(2)] public long Opened { get; init; }
    [Id(3)] public long Clicked { get; init; }
    [Id(4)] public long Converted { get; init; }
    [Id(5)] public long Unsubscribed { get; init; }
    [Id(6)] public long Bounced { get; init; }
    [Id(7)] public decimal Revenue { get; init; }
}

/// <summary>Filters, sort and paging of <c>GET /api/campaigns</c>.</summary>
public sealed record CampaignListQuery
{
    public CampaignStatus? Status { get; init; }
    public CampaignType? Type { get; init; }

    /// <summary>Campaigns running on this date: start_date &lt;= d &lt;= end_date, a missing date being open-ended.</summary>
    public DateOnly? ActiveOn { get; init; }

    /// <summary>Case-insensitive substring of name, description or target_audience.</summary>
    public string? Text { get; init; }

    public SortOrder<CampaignSortField> Sort { get; init; } = new(CampaignSortField.CreatedAt, Descending: true);
    public int Limit { get; init; } = 50;
    public int Offset { get; init; }
}

/// <summary>Metric names as JSON spells them.</summary>
public static class CampaignMetricNames
{
    /// <summary>Counters clients may increment; leads_created is counted from leads.</summary>
    public static IReadOnlyList<string> Counts { get; } =
        ["sent", "delivered", "opened", "clicked", "converted", "unsubscribed", "bounced"];

    public const string Revenue = "revenue";
    public const string LeadsCreated = "leads_created";

    /// <summary>What a read shows beside the counters and is never set by hand: leads_created and the derived rates.</summary>
    public static IReadOnlyList<string> Computed { get; } =
        [LeadsCreated, "open_rate", "click_rate", "conversion_rate", "cost_per_lead", "roi"];
}
