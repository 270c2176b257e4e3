namespace CrmChatbot.Leads;

/// <summary>Where a lead is in the sales pipeline. Serialized as snake_case strings.</summary>
public enum LeadStatus
{
    New,
    Contacted,
    Qualified,
    Unqualified,
    Converted,
    Lost,
}

/// <summary>How the lead reached us.</summary>
public enum LeadSource
{
    Website,
    Referral,
    Chatbot,
    Campaign,
    Event,
    Other,
}

/// <summary>Fields a lead list can be sorted by.</summary>
public enum LeadSortField
{
    CreatedAt,
    UpdatedAt,
    Name,
    Score,
}
