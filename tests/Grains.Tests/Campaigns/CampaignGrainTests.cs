using CrmChatbot.Campaigns;
using CrmChatbot.Common;
using CrmChatbot.Users;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace CrmChatbot.Grains.Tests.Campaigns;

[Collection(ClusterCollection.Name)]
public class CampaignGrainTests(ClusterFixture fixture)
{
    private static readonly Actor Admin = Actor.User("admin-1", UserRole.Admin, "Admin One");

    private async Task<ICampaignGrain> CreateAsync(NewCampaign? input = null)
    {
        var grain = fixture.Grains.GetGrain<ICampaignGrain>(Guid.NewGuid().ToString());
        var created = await grain.CreateAsync(input ?? new NewCampaign("Launch"), Admin);
        Assert.True(created.IsSuccess);
        return grain;
    }

    [Fact]
    public async Task Created_campaign_survives_deactivation()
    {
        var grain = await CreateAsync(new NewCampaign("Launch", CampaignType.Social, Budget: 1500.50m, StartDate: new DateOnly(2026, 5, 1)));

        await fixture.DeactivateAllAsync();
        var read = (await grain.GetAsync())!;

        Assert.Equal("Launch", read.Name);
        Assert.Equal(CampaignType.Social, read.Type);
        Assert.Equal(1500.50m, read.Budget);
        Assert.Equal(new DateOnly(2026, 5, 1), read.StartDate);
        Assert.Null(read.EndDate);
        Assert.Equal(1, read.Version);
        Assert.NotNull(fixture.Store.State(CampaignNames.Collection, grain.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task Two_hundred_concurrent_increments_sum_exactly()
    {
        var grain = await CreateAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            grain.AddMetricsAsync(new MetricIncrements { Sent = 3, Opened = i % 2, Revenue = 0.01m }, Admin)));

        Assert.All(results, r => Assert.True(r.IsSuccess));
        await fixture.DeactivateAllAsync();
        var metrics = (await grain.GetAsync())!.Metrics;
        Assert.Equal(600, metrics.Sent);
        Assert.Equal(100, metrics.Opened);
        Assert.Equal(2.00m, metrics.Revenue);
    }

    [Fact]
    public async Task A_lead_is_counted_once_however_often_it_is_recorded()
    {
        var grain = await CreateAsync(new NewCampaign("Leads", ActualCost: 90m));
        var leads = fixture.Grains.GetGrain<ICampaignLeadsGrain>(grain.GetPrimaryKeyString());

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => leads.RecordLeadCreatedAsync($"lead-{i % 3}", Admin)));
        await fixture.DeactivateAllAsync();
        var again = await leads.RecordLeadCreatedAsync("lead-1", Admin);
        var read = (await grain.GetAsync())!;

        Assert.All(results, Assert.Null);
        Assert.Null(again);
        Assert.Equal(3, read.Metrics.LeadsCreated);
        Assert.Equal(30m, read.Metrics.CostPerLead);
        Assert.Equal(4, read.Version); // created + one write per distinct lead
        var silo = Assert.IsType<InProcessSiloHandle>(fixture.Cluster.Primary);
        var timeline = silo.SiloHost.Services.GetRequiredService<ITimelineStore>();
        var history = await timeline.ListAsync(CampaignNames.Kind, grain.GetPrimaryKeyString(), 10, 0);
        var counted = history.Items.Where(e => e.Action == "lead_counted").ToList();
        Assert.Equal(3, counted.Count);
        Assert.Equal(new[] { "lead-0", "lead-1", "lead-2" }, counted.Select(e => e.Note).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "0->1", "1->2", "2->3" }, counted.Select(e => $"{e.Changes.Single().From}->{e.Changes.Single().To}").Order(StringComparer.Ordinal));
        Assert.All(counted, e => Assert.Equal("metrics.leads_created", e.Changes.Single().Field));
    }

    [Fact]
    public async Task Recording_a_lead_for_a_missing_or_deleted_campaign_is_not_found()
    {
        var missing = fixture.Grains.GetGrain<ICampaignLeadsGrain>(Guid.NewGuid().ToString());
        var grain = await CreateAsync();
        await grain.DeleteAsync(Admin);

        Assert.Equal(ErrorKind.NotFound, (await missing.RecordLeadCreatedAsync("lead-1", Admin))!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await fixture.Grains.GetGrain<ICampaignLeadsGrain>(grain.GetPrimaryKeyString())
            .RecordLeadCreatedAsync("lead-1", Admin))!.Kind);
    }

    [Fact]
    public async Task Status_changes_follow_the_workflow_and_check_the_version()
    {
        var grain = await CreateAsync();

        var stale = await grain.ChangeStatusAsync(CampaignStatus.Active, null, Admin, expectedVersion: 7);
        var active = await grain.ChangeStatusAsync(CampaignStatus.Active, "go", Admin, expectedVersion: 1);
        var backToDraft = await grain.ChangeStatusAsync(CampaignStatus.Draft, null, Admin);
        var completed = await grain.ChangeStatusAsync(CampaignStatus.Completed, null, Admin);
        var reopen = await grain.UpdateAsync(new CampaignPatch { Status = Optional<CampaignStatus>.Of(CampaignStatus.Active) }, Admin);

        Assert.Equal(ErrorKind.PreconditionFailed, stale.Error!.Kind);
        Assert.Equal(CampaignStatus.Active, active.Value!.Status);
        Assert.Equal(ErrorKind.Conflict, backToDraft.Error!.Kind);
        Assert.Contains("allowed from active: paused, completed", backToDraft.Error.Message, StringComparison.Ordinal);
        Assert.Equal(CampaignStatus.Completed, completed.Value!.Status);
        Assert.Equal(ErrorKind.Conflict, reopen.Error!.Kind);
        Assert.Equal(3, (await grain.GetAsync())!.Version);
    }

    [Fact]
    public async Task Metrics_on_a_missing_campaign_are_not_found_and_nothing_is_stored()
    {
        var grain = fixture.Grains.GetGrain<ICampaignGrain>(Guid.NewGuid().ToString());

        var result = await grain.AddMetricsAsync(new MetricIncrements { Sent = 1 }, Admin);

        Assert.Equal(ErrorKind.NotFound, result.Error!.Kind);
        Assert.Null(fixture.Store.State(CampaignNames.Collection, grain.GetPrimaryKeyString()));
    }
}
