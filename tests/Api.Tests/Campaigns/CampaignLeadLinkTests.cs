using System.Net;
using System.Net.Http.Json;

namespace CrmChatbot.Api.Tests.Campaigns;

/// <summary>Leads created for a campaign count toward it exactly once and are listed under it.</summary>
public abstract class CampaignLeadLinkTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_lead_with_campaign_id_counts_once_and_is_listed_under_the_campaign()
    {
        using var admin = fixture.Admin();
        using var agent = fixture.Agent();
        var campaign = await ProblemAssert.JsonAsync(
            await admin.PostAsJsonAsync("/api/campaigns", new { name = "Spring launch", type = "email" }), HttpStatusCode.Created);
        var campaignId = campaign.GetProperty("id").GetString();

        var lead = await ProblemAssert.JsonAsync(
            await agent.PostAsJsonAsync("/api/leads", new { name = "From the campaign", campaign_id = campaignId }), HttpStatusCode.Created);
        var leadId = lead.GetProperty("id").GetString();
        await agent.PutAsJsonAsync($"/api/leads/{leadId}", new { status = "contacted" });

        Assert.Equal("campaign", lead.GetProperty("source").GetString());
        var read = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/campaigns/{campaignId}"), HttpStatusCode.OK);
        Assert.Equal(1, read.GetProperty("metrics").GetProperty("leads_created").GetInt32());
        var leads = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/campaigns/{campaignId}/leads"), HttpStatusCode.OK);
        Assert.Equal(1, leads.GetProperty("total").GetInt32());
        Assert.Equal(leadId, leads.GetProperty("items")[0].GetProperty("id").GetString());
        var filtered = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads?campaign_id={campaignId}"), HttpStatusCode.OK);
        Assert.Equal(1, filtered.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task An_unknown_campaign_is_422_naming_campaign_id()
    {
        using var agent = fixture.Agent();

        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsJsonAsync("/api/leads", new { name = "Orphan", campaign_id = "no-such-campaign" }), "campaign_id");
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class CampaignLeadLinkTestsOnSqlite(SqliteApiFixture fixture) : CampaignLeadLinkTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class CampaignLeadLinkTestsOnMongo(MongoApiFixture fixture) : CampaignLeadLinkTests(fixture);
