using CrmChatbot.Common;

namespace CrmChatbot.Campaigns;

/// <summary>
/// The side of a campaign that leads talk to: a lead created with a campaign_id counts toward the
/// campaign's leads_created metric. Implemented by the campaign grain (same key: the campaign id).
/// </summary>
[Alias("crm.ICampaignLeadsGrain")]
public interface ICampaignLeadsGrain : IGrainWithStringKey
{
    /// <summary>Counts the lead once (idempotent per lead id); NotFound when the campaign does not exist.</summary>
    [Alias("RecordLeadCreated")]
    Task<CommandError?> RecordLeadCreatedAsync(string leadId, Actor actor);
}
