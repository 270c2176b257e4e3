using CrmChatbot.Common;
using CrmChatbot.Leads;

namespace CrmChatbot.Grains.Tests.Leads;

public class LeadScoringAndWorkflowRulesTests
{
    private static readonly DateTime Now = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private static LeadState Lead(
        string? email = null, string? phone = null, string? company = null, LeadSource source = LeadSource.Other,
        LeadStatus status = LeadStatus.New, int meetings = 0) => new()
        {
            Name = "Ada",
            Email = email,
            Phone = phone,
            Company = company,
            Source = source,
            Status = status,
            MeetingIds = [.. Enumerable.Range(0, meetings).Select(i => $"m{i}")],
        };

    public static TheoryData<string, LeadState, int> Scores => new()
    {
        // name 5 + other 5
        { "bare lead", Lead(), 10 },
        // name 5 + email 10 + phone 8 + company 7 + other 5
        { "complete contact", Lead("a@x.io", "+1 555 010 0000", "Acme"), 35 },
        { "referral", Lead(source: LeadSource.Referral), 30 },
        { "event", Lead(source: LeadSource.Event), 25 },
        { "chatbot", Lead(source: LeadSource.Chatbot), 20 },
        { "website", Lead(source: LeadSource.Website), 17 },
        { "campaign", Lead(source: LeadSource.Campaign), 15 },
        { "one meeting", Lead(meetings: 1), 25 },
        { "two meetings", Lead(meetings: 2), 40 },
        { "meetings are capped at two", Lead(meetings: 5), 40 },
        { "contacted", Lead(status: LeadStatus.Contacted), 15 },
        { "qualified", Lead(status: LeadStatus.Qualified), 25 },
        { "converted", Lead(status: LeadStatus.Converted), 25 },
        { "unqualified never goes below 0", Lead(status: LeadStatus.Unqualified), 0 },
        { "lost with a good profile", Lead("a@x.io", company: "Acme", source: LeadSource.Referral, status: LeadStatus.Lost), 17 },
        { "the best lead is 100", Lead("a@x.io", "+1 555 010 0000", "Acme", LeadSource.Referral, LeadStatus.Qualified, 3), 100 },
    };

    [Theory]
    [MemberData(nameof(Scores))]
    public void Score_follows_the_documented_weights(string because, LeadState lead, int expected) =>
        Assert.True(expected == LeadScoring.Score(lead), $"{because}: expected {expected}, got {LeadScoring.Score(lead)}");

    [Fact]
    public void Score_is_stored_on_create_and_recomputed_on_apply_and_meetings()
    {
        var created = LeadRules.Create(new NewLead("Ada", "ada@example.com", Source: LeadSource.Referral), Now).Value!;
        Assert.Equal(40, created.Score);

        var qualified = LeadRules.Apply(created, new LeadPatch { Status = Optional<LeadStatus>.Of(LeadStatus.Qualified) }, Now).Value!;
        Assert.Equal(55, qualified.Score);

        var met = LeadRules.WithMeeting(qualified, "m1", booked: true, Now);
        Assert.Equal(70, met.Score);
        Assert.Equal(55, LeadRules.WithMeeting(met, "m1", booked: false, Now).Score);
    }

    [Theory]
    [InlineData("+1 (555) 010-0000", "phone:+15550100000")]
    [InlineData("+15550100000", "phone:+15550100000")]
    [InlineData(" +1 555.010.0000 ", "phone:+15550100000")]
    [InlineData("1 555 010 0000", "phone:15550100000")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Phone_keys_keep_digits_and_a_leading_plus(string? phone, string? key) =>
        Assert.Equal(key, ContactKeys.Phone(phone));

    [Theory]
    [InlineData(" Ada@Example.COM ", "email:ada@example.com")]
    [InlineData("ada@example.com", "email:ada@example.com")]
    [InlineData("  ", null)]
    public void Email_keys_are_trimmed_and_lower_case(string? email, string? key) =>
        Assert.Equal(key, ContactKeys.Email(email));

    [Fact]
    public void Lost_needs_a_reason_and_leaving_lost_clears_it()
    {
        var lead = LeadRules.Create(new NewLead("Ada"), Now).Value!;

        var noReason = LeadRules.Apply(lead, new LeadPatch { Status = Optional<LeadStatus>.Of(LeadStatus.Lost) }, Now);
        Assert.Equal(["lost_reason"], noReason.Error!.Fields!.Keys);

        var lost = LeadRules.Apply(lead, new LeadPatch
        {
            Status = Optional<LeadStatus>.Of(LeadStatus.Lost),
            LostReason = Optional<string>.Of(" went with a competitor "),
        }, Now).Value!;
        Assert.Equal("went with a competitor", lost.LostReason);

        var back = LeadRules.Apply(lost, new LeadPatch { Status = Optional<LeadStatus>.Of(LeadStatus.Contacted) }, Now).Value!;
        Assert.Null(back.LostReason);

        var clearedWhileLost = LeadRules.Apply(lost, new LeadPatch { LostReason = Optional<string>.Of(null) }, Now);
        Assert.Equal(["lost_reason"], clearedWhileLost.Error!.Fields!.Keys);

        var reasonWithoutLost = LeadRules.Apply(lead, new LeadPatch { LostReason = Optional<string>.Of("why?") }, Now);
        Assert.Equal(["lost_reason"], reasonWithoutLost.Error!.Fields!.Keys);

        Assert.Equal(["lost_reason"], LeadRules.Create(new NewLead("Ada", Status: LeadStatus.Lost), Now).Error!.Fields!.Keys);
    }

    [Fact]
    public void Convert_records_who_and_when_and_refuses_lost_or_converted()
    {
        var lead = LeadRules.Create(new NewLead("Ada", Status: LeadStatus.Qualified), Now).Value!;

        var converted = LeadRules.Convert(lead, Now.AddHours(1), "agent-7").Value!;
        Assert.Equal((LeadStatus.Converted, Now.AddHours(1), "agent-7"), (converted.Status, converted.ConvertedAt, converted.ConvertedBy));

        Assert.Equal(ErrorKind.Conflict, LeadRules.Convert(converted, Now, "x").Error!.Kind);
        var lost = LeadRules.Create(new NewLead("Bo", Status: LeadStatus.Lost, LostReason: "no budget"), Now).Value!;
        Assert.Equal(ErrorKind.Conflict, LeadRules.Convert(lost, Now, "x").Error!.Kind);

        // Leaving converted through an update clears who and when.
        var reopened = LeadRules.Apply(converted, new LeadPatch { Status = Optional<LeadStatus>.Of(LeadStatus.Qualified) }, Now).Value!;
        Assert.Null(reopened.ConvertedAt);
        Assert.Null(reopened.ConvertedBy);
    }

    [Fact]
    public void A_campaign_id_defaults_the_source_to_campaign()
    {
        Assert.Equal(LeadSource.Campaign, LeadRules.Create(new NewLead("Ada", CampaignId: " c-1 "), Now).Value!.Source);
        Assert.Equal("c-1", LeadRules.Create(new NewLead("Ada", CampaignId: " c-1 "), Now).Value!.CampaignId);
        Assert.Equal(LeadSource.Event, LeadRules.Create(new NewLead("Ada", Source: LeadSource.Event, CampaignId: "c-1"), Now).Value!.Source);
        Assert.Equal(LeadSource.Website, LeadRules.Create(new NewLead("Ada"), Now).Value!.Source);
    }

    [Fact]
    public void An_abandoned_claim_is_one_old_enough_whose_lead_is_gone()
    {
        Assert.True(LeadContactClaimGrain.CanTakeOver(Now, Now.AddMinutes(2), holderExists: false));
        Assert.False(LeadContactClaimGrain.CanTakeOver(Now, Now.AddMinutes(2), holderExists: true));
        // A younger claim may be a create in flight whose lead is not written yet.
        Assert.False(LeadContactClaimGrain.CanTakeOver(Now, Now.AddSeconds(5), holderExists: false));
    }
}
