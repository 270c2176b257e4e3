using CrmChatbot.Common;

namespace CrmChatbot.Leads;

/// <summary>
/// The persisted state of one lead. The id is the grain key (and the document id), so it is not
/// repeated here. Stores map it to a native document with snake_case fields.
/// </summary>
[GenerateSerializer, Alias("crm.lead-state")]
public sealed class LeadState : IEntityState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public string? Email { get; set; }
    [Id(2)] public string? Phone { get; set; }
    [Id(3)] public string? Company { get; set; }
    [Id(4)] public LeadStatus Status { get; set; } = LeadStatus.New;
    [Id(5)] public LeadSource Source { get; set; } = LeadSource.Website;
    [Id(6)] public string? Notes { get; set; }
    [Id(7)] public string? OwnerId { get; set; }
    [Id(8)] public DateTime CreatedAt { get; set; }
    [Id(9)] public DateTime UpdatedAt { get; set; }
    [Id(10)] public long Version { get; set; }
    [Id(11)] public List<TimelineEntry> PendingTimeline { get; set; } = [];

    /// <summary>Ids of meetings booked with this lead (engagement, for scoring).</summary>
    [Id(12)] public List<string> MeetingIds { get; set; } = [];

    /// <summary>The campaign that brought the lead, if any.</summary>
    [Id(13)] public string? CampaignId { get; set; }

    public LeadDto ToDto(string id) =>
        new(id, Name, Email, Phone, Company, Status, Source, Notes, OwnerId, CreatedAt, UpdatedAt, Version, CampaignId);
}
