using CrmChatbot.Common;
using CrmChatbot.Leads;

namespace CrmChatbot.Grains.Tests;

[Collection(ClusterCollection.Name)]
public class LeadGrainTests(ClusterFixture fixture)
{
    private ILeadGrain NewLead() => fixture.Grains.GetGrain<ILeadGrain>(Guid.NewGuid().ToString());

    [Fact]
    public async Task Create_then_get_returns_the_normalized_lead()
    {
        var grain = NewLead();

        var created = await grain.CreateAsync(new NewLead(" Grace Hopper ", "GRACE@navy.mil", Company: "US Navy", Source: LeadSource.Referral));
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
        await grain.CreateAsync(new NewLead("First"));

        var second = await grain.CreateAsync(new NewLead("Second"));

        Assert.Equal(ErrorKind.Conflict, second.Error!.Kind);
        Assert.Equal("First", (await grain.GetAsync())!.Name);
    }

    [Fact]
    public async Task Invalid_input_is_refused_and_nothing_is_stored()
    {
        var grain = NewLead();

        var result = await grain.CreateAsync(new NewLead("", Email: "nope"));

        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Equal(new[] { "email", "name" }, result.Error.Fields!.Keys.Order());
        Assert.Null(await grain.GetAsync());
        Assert.Null(fixture.Store.GetCollection(StorageNames.Leads).FindById(grain.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task State_survives_deactivation_and_reloads_from_the_store()
    {
        var grain = NewLead();
        await grain.CreateAsync(new NewLead("Katherine Johnson", Company: "NASA"));
        await grain.UpdateAsync(new LeadPatch { Status = Optional<LeadStatus>.Of(LeadStatus.Contacted) });

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
        await grain.CreateAsync(new NewLead("Busy lead"));

        // 40 callers at once, each setting a different notes value: every call must succeed
        // (one writer, no etag conflicts) and the final state is the last one applied.
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            grain.UpdateAsync(new LeadPatch { Notes = Optional<string>.Of($"note {i}") })));

        Assert.All(results, r => Assert.True(r.IsSuccess));
        var final = await grain.GetAsync();
        Assert.Contains(results, r => r.Value!.Notes == final!.Notes);
        await fixture.DeactivateAllAsync();
        Assert.Equal(final, await grain.GetAsync());
    }

    [Fact]
    public async Task Update_of_a_missing_lead_is_not_found()
    {
        var result = await NewLead().UpdateAsync(new LeadPatch { Name = Optional<string>.Of("x") });

        Assert.Equal(ErrorKind.NotFound, result.Error!.Kind);
    }

    [Fact]
    public async Task Delete_removes_the_document_and_the_id_can_be_created_again()
    {
        var grain = NewLead();
        await grain.CreateAsync(new NewLead("Temporary"));

        Assert.True(await grain.DeleteAsync());
        Assert.Null(await grain.GetAsync());
        Assert.False(await grain.DeleteAsync());
        Assert.Null(fixture.Store.GetCollection(StorageNames.Leads).FindById(grain.GetPrimaryKeyString()));

        var again = await grain.CreateAsync(new NewLead("Back again"));
        Assert.True(again.IsSuccess);
        Assert.Equal("Back again", (await grain.GetAsync())!.Name);
    }
}
