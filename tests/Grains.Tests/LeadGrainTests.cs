using CrmChatbot.Common;
using CrmChatbot.Leads;

namespace CrmChatbot.Grains.Tests;

[Collection(ClusterCollection.Name)]
public class LeadGrainTests(ClusterFixture fixture)
{
    private static readonly Actor Agent = Actor.User("agent-1", CrmChatbot.Users.UserRole.Agent, "Agent One");

    private ILeadGrain NewLead() => fixture.Grains.GetGrain<ILeadGrain>(Guid.NewGuid().ToString());

    [Fact]
    public async Task Create_then_get_returns_the_normalized_lead()
    {
        var grain = NewLead();

        var created = await grain.CreateAsync(new NewLead(" Grace Hopper ", "GRACE@navy.mil", Company: "US Navy", Source: LeadSource.Referral), Agent);
        var read = await grain.GetAsync();

        Assert.True(created.IsSuccess);
        Assert.Equal(grain.GetPrimaryKeyString(), read!.Id);
        Assert.Equal("Grace Hopper", read.Name);
        Assert.Equal("grace@navy.mil", read.Email);
        Assert.Equal(LeadSource.Referral, read.Source);
        Assert.Equal(LeadStatus.New, read.Status);
        Assert.Equal(created.Value, read);
    }

    [Fact]
    public async Task A_second_create_of_the_same_id_is_a_conflict_and_changes_nothing()
    {
        var grain = NewLead();
        await grain.CreateAsync(new NewLead("First"), Agent);

        var second = await grain.CreateAsync(new NewLead("Second"), Agent);

        Assert.Equal(ErrorKind.Conflict, second.Error!.Kind);
        Assert.Equal("First", (await grain.GetAsync())!.Name);
    }

    [Fact]
    public async Task Invalid_input_is_refused_and_nothing_is_stored()
    {
        var grain = NewLead();

        var result = await grain.CreateAsync(new NewLead("", Email: "nope"), Agent);

        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Equal(new[] { "email", "name" }, result.Error.Fields!.Keys.Order());
        Assert.Null(await grain.GetAsync());
        Assert.Null(fixture.Store.State(StorageNames.Leads, grain.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task State_survives_deactivation_and_reloads_from_the_store()
    {
        var grain = NewLead();
        await grain.CreateAsync(new NewLead("Katherine Johnson", Company: "NASA"), Agent);
        await grain.UpdateAsync(new LeadPatch { Status = Optional<LeadStatus>.Of(LeadStatus.Contacted) }, Agent);

        await fixture.DeactivateAllAsync();
        var read = await grain.GetAsync();

        Assert.Equal("Katherine Johnson", read!.Name);
        Assert.Equal(LeadStatus.Contacted, read.Status);
        Assert.Equal("NASA", read.Company);
    }

    [Fact]
    public async Task Concurrent_updates_are_serialized_and_none_is_lost()
    {
        var grain = NewLead();
        await grain.CreateAsync(new NewLead("Busy lead"), Agent);

        // 40 callers at once, each setting a different notes value: every call must succeed
        // (one writer, no etag conflicts) and the final state is the last one applied.
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            grain.UpdateAsync(new LeadPatch { Notes = Optional<string>.Of($"note {i}") }, Agent)));

        Assert.All(results, r => Assert.True(r.IsSuccess));
        var final = await grain.GetAsync();
        Assert.Contains(results, r => r.Value!.Notes == final!.Notes);
        await fixture.DeactivateAllAsync();
        Assert.Equal(final, await grain.GetAsync());
    }

    [Fact]
    public async Task Update_of_a_missing_lead_is_not_found()
    {
        var result = await NewLead().UpdateAsync(new LeadPatch { Name = Optional<string>.Of("x") }, Agent);

        Assert.Equal(ErrorKind.NotFound, result.Error!.Kind);
    }

    [Fact]
    public async Task Delete_removes_the_document_and_the_id_can_be_created_again()
    {
        var grain = NewLead();
        await grain.CreateAsync(new NewLead("Temporary"), Agent);

        Assert.True(await grain.DeleteAsync(Agent) is null);
        Assert.Null(await grain.GetAsync());
        Assert.Equal(ErrorKind.NotFound, (await grain.DeleteAsync(Agent))?.Kind);
        Assert.Null(fixture.Store.State(StorageNames.Leads, grain.GetPrimaryKeyString()));

        var again = await grain.CreateAsync(new NewLead("Back again"), Agent);
        Assert.True(again.IsSuccess);
        Assert.Equal("Back again", (await grain.GetAsync())!.Name);
    }

    [Fact]
    public async Task Every_change_bumps_the_version_and_is_in_the_timeline_newest_first()
    {
        var grain = NewLead();
        var timeline = new CrmChatbot.Storage.Sqlite.SqliteTimelineStore(fixture.Store);
        await grain.CreateAsync(new NewLead("History", Email: "h@example.com"), Agent);
        await grain.UpdateAsync(new LeadPatch { Status = Optional<LeadStatus>.Of(LeadStatus.Contacted) }, Agent);
        var third = await grain.UpdateAsync(new LeadPatch { Email = Optional<string>.Of(null), Notes = Optional<string>.Of("called") }, Actor.Chatbot);

        Assert.Equal(3, third.Value!.Version);
        var page = await timeline.ListAsync("lead", grain.GetPrimaryKeyString(), 50, 0);
        Assert.Equal(3, page.Total);
        Assert.Equal(["updated", "updated", "created"], page.Items.Select(e => e.Action));
        Assert.Equal([3L, 2L, 1L], page.Items.Select(e => e.Version));
        var latest = page.Items[0];
        Assert.Equal(ActorKind.Chatbot, latest.ActorKind);
        Assert.Equal(["email", "notes"], latest.Changes.Select(c => c.Field).Order());
        var email = latest.Changes.Single(c => c.Field == "email");
        Assert.Equal("\"h@example.com\"", email.From);
        Assert.Null(email.To);
        var status = page.Items[1].Changes.Single();
        Assert.Equal(("status", "\"new\"", "\"contacted\""), (status.Field, status.From, status.To));
        Assert.Equal("agent-1", page.Items[1].ActorId);
        Assert.Contains(page.Items[2].Changes, c => c.Field == "name" && c.From is null && c.To == "\"History\"");
    }

    [Fact]
    public async Task A_stale_expected_version_is_refused_and_changes_nothing()
    {
        var grain = NewLead();
        await grain.CreateAsync(new NewLead("Versioned"), Agent);
        await grain.UpdateAsync(new LeadPatch { Notes = Optional<string>.Of("v2") }, Agent, expectedVersion: 1);

        var stale = await grain.UpdateAsync(new LeadPatch { Notes = Optional<string>.Of("lost?") }, Agent, expectedVersion: 1);
        var staleDelete = await grain.DeleteAsync(Agent, expectedVersion: 1);

        Assert.Equal(ErrorKind.PreconditionFailed, stale.Error!.Kind);
        Assert.Equal(ErrorKind.PreconditionFailed, staleDelete!.Kind);
        var read = await grain.GetAsync();
        Assert.Equal("v2", read!.Notes);
        Assert.Equal(2, read.Version);
    }

    [Fact]
    public async Task An_update_that_changes_nothing_writes_nothing()
    {
        var grain = NewLead();
        var timeline = new CrmChatbot.Storage.Sqlite.SqliteTimelineStore(fixture.Store);
        await grain.CreateAsync(new NewLead("Same", Company: "Acme"), Agent);

        var result = await grain.UpdateAsync(new LeadPatch { Company = Optional<string>.Of(" Acme ") }, Agent);

        Assert.Equal(1, result.Value!.Version);
        Assert.Equal(1, (await timeline.ListAsync("lead", grain.GetPrimaryKeyString(), 50, 0)).Total);
    }

    [Fact]
    public async Task Deleting_records_a_deleted_entry()
    {
        var grain = NewLead();
        var timeline = new CrmChatbot.Storage.Sqlite.SqliteTimelineStore(fixture.Store);
        await grain.CreateAsync(new NewLead("Gone soon"), Agent);

        await grain.DeleteAsync(Agent);

        var page = await timeline.ListAsync("lead", grain.GetPrimaryKeyString(), 50, 0);
        Assert.Equal(["deleted", "created"], page.Items.Select(e => e.Action));
    }
}
