using CrmChatbot.Common;

namespace CrmChatbot.Leads;

/// <summary>The single writer of one lead. Every change is validated here and persisted before it is acknowledged.</summary>
public sealed class LeadGrain(
    [PersistentState(StorageNames.Leads, StorageNames.Crm)] IPersistentState<LeadState> lead,
    TimeProvider clock) : Grain, ILeadGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task<CommandResult<LeadDto>> CreateAsync(NewLead input)
    {
        if (lead.RecordExists)
        {
            return CommandError.Conflict($"Lead '{Id}' already exists.");
        }

        var created = LeadRules.Create(input, Timestamps.Now(clock));
        if (!created.IsSuccess)
        {
            return created.Error!;
        }

        await lead.ReplaceAsync(created.Value!, DeactivateOnIdle);
        return CommandResult<LeadDto>.Ok(lead.State.ToDto(Id));
    }

    public Task<LeadDto?> GetAsync() =>
        Task.FromResult(lead.RecordExists ? lead.State.ToDto(Id) : null);

    public async Task<CommandResult<LeadDto>> UpdateAsync(LeadPatch patch)
    {
        if (!lead.RecordExists)
        {
            return CommandError.NotFound($"Lead '{Id}' was not found.");
        }

        var updated = LeadRules.Apply(lead.State, patch, Timestamps.Now(clock));
        if (!updated.IsSuccess)
        {
            return updated.Error!;
        }

        await lead.ReplaceAsync(updated.Value!, DeactivateOnIdle);
        return CommandResult<LeadDto>.Ok(lead.State.ToDto(Id));
    }

    public async Task<bool> DeleteAsync()
    {
        if (!lead.RecordExists)
        {
            return false;
        }

        await lead.ClearStateAsync();
        DeactivateOnIdle();
        return true;
    }
}
