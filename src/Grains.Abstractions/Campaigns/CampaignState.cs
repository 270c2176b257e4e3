using CrmChatbot.Common;

namespace CrmChatbot.Campaigns;

/// <summary>The stored counters of a campaign. Rates are computed when the campaign is read.</summary>
[GenerateSerializer, Alias("crm.campaign-metrics-state")]
public sealed class CampaignMetricsState
{
    [Id(0)] public long Sent { get; set; }
    [Id(1)] public long Delivered { get; set; }
    [Id(2)] public long Opened { get; set; }
    [Id(3)] public long Clicked { get; set; }
    [Id(4)] public long Converted { get; set; }
    [Id(5)] public long Unsubscribed { get; set; }
    [Id(6)] public long Bounced { get; set; }

    /// <summary>Counted from leads created with this campaign's id, never incremented by hand.</summary>
    [Id(7)] public long LeadsCreated { get; set; }

    [Id(8)] public decimal Revenue { get; set; }

    public CampaignMetricsState Copy() => (CampaignMetricsState)MemberwiseClone();
}

/// <summary>
/// The persisted state of one campaign; the id is the grain key. Dates are kept as UTC midnights
/// (both stores hold DateTime natively) and shown as plain dates.
/// </summary>
[GenerateSerializer, Alias("crm.campaign-state")]
public sealed class CampaignState : IEntityState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public CampaignType Type { get; set; } = CampaignType.Email;
    [Id(2)] public CampaignStatus Status { get; set; } = CampaignStatus.Draft;
    [Id(3)] public string? Description { get; set; }
    [Id(4)] public string? TargetAudience { get; set; }
    [Id(5)] public decimal Budget { get; set; }
    [Id(6)] public decimal ActualCost { get; set; }
    [Id(7)] public DateTime? StartDate { get; set; }
    [Id(8)] public DateTime? EndDate { get; set; }
    [Id(9)] public CampaignMetricsState Metrics { get; set; } = new();
    [Id(10)] public DateTime CreatedAt { get; set; }
    [Id(11)] public DateTime UpdatedAt { get; set; }
    [Id(12)] public long Version { get; set; }
    [Id(13)] public List<TimelineEntry> PendingTimeline { get; set; } = [];

    /// <summary>Leads already counted in leads_created: makes counting exact and idempotent per lead.</summary>
    [Id(14), TimelineIgnore] public List<string> CountedLeadIds { get; set; } = [];

    public CampaignDto ToDto(string id) => new(
        id, Name, Type, Status, Description, TargetAudience, Budget, ActualCost,
        CampaignDates.ToDate(StartDate), CampaignDates.ToDate(EndDate),
        CampaignMetricsDto.From(Metrics, ActualCost), CreatedAt, UpdatedAt, Version);
}

/// <summary>Campaign dates are calendar dates, stored as UTC midnight.</summary>
public static class CampaignDates
{
    public static DateTime? ToStored(DateOnly? date) =>
        date is { } d ? d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : null;

    public static DateOnly? ToDate(DateTime? stored) => stored is { } s ? DateOnly.FromDateTime(s) : null;
}
