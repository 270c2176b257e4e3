using Orleans.Concurrency;
using CrmChatbot.Common;

namespace CrmChatbot.Leads;

/// <summary>One lead; the grain is the single writer of its state. Keyed by the lead id.</summary>
[Alias("crm.ILeadGrain")]
public interface ILeadGrain : IGrainWithStringKey
{
    /// <summary>Creates the lead; a conflict if this id already holds one.</summary>
    [Alias("Create")]
    Task<CommandResult<LeadDto>> CreateAsync(NewLead lead);

    /// <summary>The lead, or null when it does not exist.</summary>
    [Alias("Get"), ReadOnly]
    Task<LeadDto?> GetAsync();

    [Alias("Update")]
    Task<CommandResult<LeadDto>> UpdateAsync(LeadPatch patch);

    /// <summary>Deletes the lead; false when there was none.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();
}

/// <summary>Reads lead documents straight from the store, with indexes; never activates grains.</summary>
public interface ILeadQueries
{
    Task<Page<LeadDto>> ListAsync(LeadListQuery query, CancellationToken cancellationToken = default);
}
