using CrmChatbot.Common;
using CrmChatbot.Leads;

namespace CrmChatbot.Grains.Tests.Leads;

[Collection(ClusterCollection.Name)]
public class LeadContactClaimTests(ClusterFixture fixture)
{
    private static readonly Actor Agent = Actor.User("agent-1", CrmChatbot.Users.UserRole.Agent, "Agent One");

    private ILeadGrain NewLead() => fixture.Grains.GetGrain<ILeadGrain>(Guid.NewGuid().ToString());

    private static string UniqueEmail() => $"{Guid.NewGuid():N}@claims.test";

    private Task<string?> HolderAsync(string key) => fixture.Grains.GetGrain<ILeadContactClaimGrain>(key).GetHolderAsync();

    [Fact]
    public async Task Concurrent_creates_with_one_email_let_exactly_one_through()
    {
        var email = UniqueEmail();
        var grains = Enumerable.Range(0, 12).Select(_ => NewLead()).ToArray();

        var results = await Task.WhenAll(grains.Select((g, i) => g.CreateAsync(new NewLead($"Twin {i}", i % 2 == 0 ? email : email.ToUpperInvariant()), Agent)));

        var winner = Assert.Single(results, r => r.IsSuccess).Value!;
        Assert.All(results.Where(r => !r.IsSuccess), r =>
        {
            Assert.Equal(ErrorKind.Conflict, r.Error!.Kind);
            Assert.Equal([winner.Id], r.Error.Fields!["existing_id"]);
        });
        Assert.Equal(winner.Id, await HolderAsync("email:" + email));
    }

    [Fact]
    public async Task Phone_formatting_variants_are_one_contact_and_allow_duplicate_skips_the_claim()
    {
        var digits = Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var first = NewLead();
        await first.CreateAsync(new NewLead("First", Phone: $"+1 ({digits[..3]}) {digits[3..6]}-{digits[6..]}"), Agent);

        var second = await NewLead().CreateAsync(new NewLead("Second", Phone: $"+1{digits}"), Agent);
        var allowed = await NewLead().CreateAsync(new NewLead("Third", Phone: $"+1{digits}"), Agent, allowDuplicate: true);

        Assert.Equal([first.GetPrimaryKeyString()], second.Error!.Fields!["existing_id"]);
        Assert.Equal(["phone"], second.Error.Fields["field"]);
        Assert.True(allowed.IsSuccess);
        Assert.Equal(first.GetPrimaryKeyString(), await HolderAsync($"phone:+1{digits}"));
    }

    [Fact]
    public async Task Changing_the_email_moves_the_claim_and_delete_frees_it()
    {
        var (oldEmail, newEmail) = (UniqueEmail(), UniqueEmail());
        var lead = NewLead();
        var id = lead.GetPrimaryKeyString();
        await lead.CreateAsync(new NewLead("Mover", oldEmail), Agent);

        var moved = await lead.UpdateAsync(new LeadPatch { Email = Optional<string>.Of(newEmail) }, Agent);

        Assert.True(moved.IsSuccess);
        Assert.Null(await HolderAsync("email:" + oldEmail));
        Assert.Equal(id, await HolderAsync("email:" + newEmail));
        Assert.True((await NewLead().CreateAsync(new NewLead("Takes the old one", oldEmail), Agent)).IsSuccess);

        Assert.Null(await lead.DeleteAsync(Agent));
        Assert.Null(await HolderAsync("email:" + newEmail));
        Assert.True((await NewLead().CreateAsync(new NewLead("Takes the new one", newEmail), Agent)).IsSuccess);
    }

    [Fact]
    public async Task Updating_to_another_leads_email_is_a_conflict_unless_allowed()
    {
        var taken = UniqueEmail();
        var holder = NewLead();
        await holder.CreateAsync(new NewLead("Holder", taken), Agent);
        var other = NewLead();
        await other.CreateAsync(new NewLead("Other", UniqueEmail()), Agent);

        var refused = await other.UpdateAsync(new LeadPatch { Email = Optional<string>.Of(taken) }, Agent);
        var allowed = await other.UpdateAsync(new LeadPatch { Email = Optional<string>.Of(taken) }, Agent, allowDuplicate: true);

        Assert.Equal([holder.GetPrimaryKeyString()], refused.Error!.Fields!["existing_id"]);
        Assert.Equal(taken, allowed.Value!.Email);
        Assert.Equal(holder.GetPrimaryKeyString(), await HolderAsync("email:" + taken));
        // The duplicate's later unrelated updates are not refused.
        Assert.True((await other.UpdateAsync(new LeadPatch { Notes = Optional<string>.Of("still fine") }, Agent)).IsSuccess);
    }

    [Fact]
    public async Task A_claim_held_by_the_same_lead_is_granted_again_and_release_by_another_lead_is_ignored()
    {
        var claim = fixture.Grains.GetGrain<ILeadContactClaimGrain>("email:" + UniqueEmail());

        Assert.True((await claim.ClaimAsync("lead-a")).Granted);
        Assert.True((await claim.ClaimAsync("lead-a")).Granted);
        Assert.Equal(new ContactClaimResult(false, "lead-a"), await claim.ClaimAsync("lead-b"));
        await claim.ReleaseAsync("lead-b");
        Assert.Equal("lead-a", await claim.GetHolderAsync());
    }

    [Fact]
    public async Task Meetings_raise_the_score_and_convert_records_who()
    {
        var lead = NewLead();
        var created = (await lead.CreateAsync(new NewLead("Scored", Source: LeadSource.Referral), Agent)).Value!;

        Assert.Null(await lead.RecordMeetingAsync("m-1", booked: true, Agent));
        var afterMeeting = (await lead.GetAsync())!;
        var converted = await lead.ConvertAsync("signed", Agent);
        var again = await lead.ConvertAsync(null, Agent);

        Assert.Equal(30, created.Score);
        Assert.Equal(45, afterMeeting.Score);
        Assert.Equal("agent-1", converted.Value!.ConvertedBy);
        Assert.NotNull(converted.Value.ConvertedAt);
        Assert.Equal(60, converted.Value.Score);
        Assert.Equal(ErrorKind.Conflict, again.Error!.Kind);
    }
}
