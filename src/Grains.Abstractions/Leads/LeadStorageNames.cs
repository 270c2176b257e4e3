namespace CrmChatbot.Leads;

/// <summary>Collections of the lead feature beside <c>StorageNames.Leads</c>.</summary>
public static class LeadStorageNames
{
    /// <summary>Contact claims: which lead holds a normalized email or phone.</summary>
    public const string ContactClaims = "lead_contact_claims";

    /// <summary>The campaigns collection, for checking a lead's campaign_id exists.</summary>
    public const string Campaigns = "campaigns";
}
