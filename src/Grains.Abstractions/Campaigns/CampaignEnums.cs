namespace CrmChatbot.Campaigns;

/// <summary>The channel of a campaign. Serialized as snake_case strings.</summary>
public enum CampaignType
{
    Email,
    Newsletter,
    Web,
    Social,
    Event,
    Ads,
    Other,
}

/// <summary>Where a campaign is in its life; the allowed moves are in <c>CampaignRules.Transitions</c>.</summary>
public enum CampaignStatus
{
    Draft,
    Scheduled,
    Active,
    Paused,
    Completed,
}

/// <summary>Fields a campaign list can be sorted by.</summary>
public enum CampaignSortField
{
    CreatedAt,
    Name,
    StartDate,
    Budget,
}
