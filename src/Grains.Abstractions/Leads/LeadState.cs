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

    /// <summary>Rule-based score 0-100 (<c>LeadScoring</c>), recomputed on every change. Derived, so not in timelines.</summary>
    [Id(14), TimelineIgnore] public int Score { get; set; }

    /// <summary>Why the lead was lost; required while the status is lost, cleared when it leaves lost.</summary>
    [Id(15)] public string? LostReason { get; set; }

    /// <summary>When the lead became converted (cleared if it leaves converted).</summary>
    [Id(16)] public DateTime? ConvertedAt { get; set; }

    /// <summary>The user id of who converted it.</summary>
    [Id(17)] public string? ConvertedBy { get; set; }

    /// <summary>The contact-claim key (<c>email:...</c>) this lead holds, if any: what to release later.</summary>
    [Id(18), TimelineIgnore] public string? EmailClaim { get; set; }

    /// <summary>The contact-claim key (<c>phone:...</c>) this lead holds, if any.</summary>
    [Id(19), TimelineIgnore] public string? PhoneClaim { get; set; }

    /// <summary>True once the campaign counted this lead (retried on activation and updates until then).</summary>
    [Id(20), TimelineIgnore] public bool CampaignCounted { get; set; }

    public LeadDto ToDto(string id) =>
        new(id, Name, Email, Phone, Company, Status, Source, Notes, OwnerId, CreatedAt, UpdatedAt, Version, CampaignId)
        {
            Score = Score,
            LostReason = LostReason,
            ConvertedAt = ConvertedAt,
            ConvertedBy = ConvertedBy,
        };
}

/// <summary>The persisted state of one contact claim (keyed by the normalized contact).</summary>
[GenerateSerializer, Alias("crm.lead-contact-claim-state")]
public sealed class LeadContactClaimState
{
    /// <summary>The lead holding the contact, or null when free.</summary>
    [Id(0)] public string? LeadId { get; set; }

    [Id(1)] public DateTime ClaimedAt { get; set; }
}
