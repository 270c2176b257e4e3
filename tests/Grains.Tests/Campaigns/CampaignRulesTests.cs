using CrmChatbot.Campaigns;
using CrmChatbot.Common;

namespace CrmChatbot.Grains.Tests.Campaigns;

public class CampaignRulesTests
{
    private static readonly DateTime Now = new(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc);

    private static CampaignState Existing(CampaignStatus status) => new() { Name = "Spring", Status = status, CreatedAt = Now, UpdatedAt = Now };

    [Fact]
    public void Create_applies_defaults_and_trims()
    {
        var result = CampaignRules.Create(new NewCampaign("  Spring sale ", Description: " "), Now);

        var state = result.Value!;
        Assert.Equal("Spring sale", state.Name);
        Assert.Null(state.Description);
        Assert.Equal(CampaignType.Email, state.Type);
        Assert.Equal(CampaignStatus.Draft, state.Status);
        Assert.Equal(0m, state.Budget);
        Assert.Equal(0m, state.ActualCost);
        Assert.Equal(Now, state.CreatedAt);
    }

    public static TheoryData<CampaignStatus, CampaignStatus, bool> AllMoves()
    {
        var allowed = new HashSet<(CampaignStatus, CampaignStatus)>
        {
            (CampaignStatus.Draft, CampaignStatus.Scheduled), (CampaignStatus.Draft, CampaignStatus.Active),
            (CampaignStatus.Scheduled, CampaignStatus.Active), (CampaignStatus.Scheduled, CampaignStatus.Draft),
            (CampaignStatus.Active, CampaignStatus.Paused), (CampaignStatus.Active, CampaignStatus.Completed),
            (CampaignStatus.Paused, CampaignStatus.Active), (CampaignStatus.Paused, CampaignStatus.Completed),
        };
        var data = new TheoryData<CampaignStatus, CampaignStatus, bool>();
        foreach (var from in Enum.GetValues<CampaignStatus>())
        {
            foreach (var to in Enum.GetValues<CampaignStatus>().Where(t => t != from))
            {
                data.Add(from, to, allowed.Contains((from, to)));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllMoves))]
    public void Every_transition_follows_the_table(CampaignStatus from, CampaignStatus to, bool allowed)
    {
        var result = CampaignRules.Apply(Existing(from), new CampaignPatch { Status = Optional<CampaignStatus>.Of(to) }, Now);

        Assert.Equal(allowed, result.IsSuccess);
        Assert.Equal(allowed, CampaignRules.CheckTransition(from, to) is null);
        if (!allowed)
        {
            Assert.Equal(ErrorKind.Conflict, result.Error!.Kind);
        }
    }

    [Fact]
    public void A_refused_transition_names_the_allowed_ones()
    {
        var fromDraft = CampaignRules.CheckTransition(CampaignStatus.Draft, CampaignStatus.Completed)!;
        var fromCompleted = CampaignRules.CheckTransition(CampaignStatus.Completed, CampaignStatus.Active)!;

        Assert.Equal("A draft campaign cannot become completed; allowed from draft: scheduled, active.", fromDraft.Message);
        Assert.Equal("A completed campaign cannot become active; allowed from completed: none (it is final).", fromCompleted.Message);
        Assert.Null(CampaignRules.CheckTransition(CampaignStatus.Completed, CampaignStatus.Completed));
    }

    [Theory]
    [InlineData(CampaignStatus.Draft, true)]
    [InlineData(CampaignStatus.Scheduled, true)]
    [InlineData(CampaignStatus.Active, true)]
    [InlineData(CampaignStatus.Paused, false)]
    [InlineData(CampaignStatus.Completed, false)]
    public void A_new_campaign_starts_in_draft_or_a_status_draft_leads_to(CampaignStatus status, bool allowed)
    {
        var result = CampaignRules.Create(new NewCampaign("x", Status: status), Now);

        Assert.Equal(allowed, result.IsSuccess);
        if (!allowed)
        {
            Assert.Equal(ErrorKind.Conflict, result.Error!.Kind);
            Assert.Contains("allowed from draft: scheduled, active", result.Error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("-0.01", "must be >= 0")]
    [InlineData("10.001", "must have at most 2 decimals")]
    [InlineData("1000000000000.01", "must be at most 1000000000000")]
    public void Money_must_be_non_negative_with_two_decimals(string amount, string message)
    {
        var value = decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture);

        var result = CampaignRules.Create(new NewCampaign("x", Budget: value, ActualCost: value), Now);

        Assert.Equal(new[] { "actual_cost", "budget" }, result.Error!.Fields!.Keys.Order());
        Assert.StartsWith(message, result.Error.Fields["budget"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("12.5")]
    [InlineData("12.50")]
    [InlineData("1000000000000")]
    public void Valid_money_is_kept_exactly(string amount)
    {
        var value = decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture);

        var result = CampaignRules.Create(new NewCampaign("x", Budget: value), Now);

        Assert.Equal(value, result.Value!.Budget);
    }

    [Fact]
    public void End_date_must_not_precede_start_date()
    {
        var before = CampaignRules.Create(new NewCampaign("x", StartDate: new DateOnly(2026, 3, 2), EndDate: new DateOnly(2026, 3, 1)), Now);
        var sameDay = CampaignRules.Create(new NewCampaign("x", StartDate: new DateOnly(2026, 3, 1), EndDate: new DateOnly(2026, 3, 1)), Now);
        var openEnded = CampaignRules.Create(new NewCampaign("x", EndDate: new DateOnly(2026, 3, 1)), Now);

        Assert.Equal(new[] { "end_date" }, before.Error!.Fields!.Keys);
        Assert.True(sameDay.IsSuccess);
        Assert.Equal(new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc), sameDay.Value!.StartDate);
        Assert.True(openEnded.IsSuccess);
    }

    [Fact]
    public void A_patch_moving_start_after_the_stored_end_is_refused()
    {
        var current = Existing(CampaignStatus.Draft);
        current.StartDate = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        current.EndDate = new DateTime(2026, 3, 31, 0, 0, 0, DateTimeKind.Utc);

        var result = CampaignRules.Apply(current, new CampaignPatch { StartDate = Optional<DateOnly?>.Of(new DateOnly(2026, 4, 1)) }, Now);
        var cleared = CampaignRules.Apply(current, new CampaignPatch { EndDate = Optional<DateOnly?>.Of(null) }, Now);

        Assert.Equal(new[] { "end_date" }, result.Error!.Fields!.Keys);
        Assert.Null(cleared.Value!.EndDate);
    }

    [Fact]
    public void Metric_increments_add_up_and_record_each_counter_that_moved()
    {
        var current = new CampaignMetricsState { Sent = 10, Revenue = 1.25m, LeadsCreated = 3 };

        var result = CampaignRules.AddMetrics(current, new MetricIncrements { Sent = 100, Opened = 7, Revenue = 12.50m });

        var (metrics, changes) = result.Value;
        Assert.Equal(110, metrics.Sent);
        Assert.Equal(7, metrics.Opened);
        Assert.Equal(13.75m, metrics.Revenue);
        Assert.Equal(3, metrics.LeadsCreated);
        Assert.Equal(10, current.Sent); // the current counters are not mutated
        Assert.Equal(
            new[] { "metrics.sent:10->110", "metrics.opened:0->7", "metrics.revenue:1.25->13.75" },
            changes.Select(c => $"{c.Field}:{c.From}->{c.To}"));
    }

    [Fact]
    public void Negative_oversized_or_over_precise_increments_are_refused_by_name()
    {
        var result = CampaignRules.AddMetrics(new CampaignMetricsState(),
            new MetricIncrements { Sent = -1, Clicked = CampaignRules.MaxCountIncrement + 1, Revenue = 0.001m });

        Assert.Equal(new[] { "clicked", "revenue", "sent" }, result.Error!.Fields!.Keys.Order());
    }

    [Fact]
    public void Rates_are_rounded_and_null_when_the_denominator_is_zero()
    {
        var empty = CampaignMetricsDto.From(new CampaignMetricsState(), actualCost: 0);
        var metrics = CampaignMetricsDto.From(
            new CampaignMetricsState { Delivered = 3, Opened = 1, Clicked = 1, Converted = 0, LeadsCreated = 3, Revenue = 150m },
            actualCost: 100m);
        var noClicks = CampaignMetricsDto.From(new CampaignMetricsState { Delivered = 10, Opened = 2 }, actualCost: 50m);

        Assert.Null(empty.OpenRate);
        Assert.Null(empty.ClickRate);
        Assert.Null(empty.ConversionRate);
        Assert.Null(empty.CostPerLead);
        Assert.Null(empty.Roi);
        Assert.Equal(0.3333m, metrics.OpenRate);
        Assert.Equal(0.3333m, metrics.ClickRate);
        Assert.Equal(0m, metrics.ConversionRate);
        Assert.Equal(33.33m, metrics.CostPerLead);
        Assert.Equal(0.5m, metrics.Roi);
        Assert.Equal(0.2m, noClicks.OpenRate);
        Assert.Null(noClicks.ConversionRate);
        Assert.Null(noClicks.CostPerLead);
        Assert.Equal(-1m, noClicks.Roi);
    }

    [Fact]
    public void Metric_values_set_the_hand_kept_counters_and_keep_leads_created()
    {
        var created = CampaignRules.Create(new NewCampaign("Seeded", Metrics: new MetricIncrements { Sent = 10, Opened = 4, Revenue = 2.5m }), Now).Value!;
        Assert.Equal((10, 4, 0, 2.5m), (created.Metrics.Sent, created.Metrics.Opened, created.Metrics.Clicked, created.Metrics.Revenue));

        var current = Existing(CampaignStatus.Active);
        current.Metrics = new CampaignMetricsState { Sent = 50, Clicked = 5, LeadsCreated = 3 };
        var updated = CampaignRules.Apply(current, new CampaignPatch { Metrics = Optional<MetricIncrements>.Of(new MetricIncrements { Sent = 60 }) }, Now).Value!;
        Assert.Equal((60, 0, 3), (updated.Metrics.Sent, updated.Metrics.Clicked, updated.Metrics.LeadsCreated));
        Assert.Equal(50, current.Metrics.Sent); // the current state is not touched

        var refused = CampaignRules.SetMetrics(current.Metrics, new MetricIncrements { Bounced = -1, Revenue = 0.001m });
        Assert.Equal(["metrics.bounced", "metrics.revenue"], refused.Error!.Fields!.Keys.Order());
        Assert.Equal(ErrorKind.Validation, CampaignRules.Create(new NewCampaign("x", Metrics: new MetricIncrements { Sent = -5 }), Now).Error!.Kind);
    }
}
