using Orleans.Concurrency;
using CrmChatbot.Common;

namespace CrmChatbot.Leads;

/// <summary>One lead; the grain is the single writer of its state. Keyed by the lead id.</summary>
[Alias("crm.ILeadGrain")]
public interface ILeadGrain : IGrainWithStringKey
{
    /// <summary>Creates the lead; a conflict if this id already holds one.</summary>
    [Alias("Create")]
    Task<CommandResult<LeadDto>> CreateAsync(NewLead lead, Actor actor);

    /// <summary>The lead, or null when it does not exist.</summary>
    [Alias("Get"), ReadOnly]
    Task<LeadDto?> GetAsync();

    /// <summary>Applies a partial update; with <paramref name="expectedVersion"/>, only if it is current (If-Match).</summary>
    [Alias("Update")]
    Task<CommandResult<LeadDto>> UpdateAsync(LeadPatch patch, Actor actor, long? expectedVersion = null);

    /// <summary>
    /// A meeting with this lead was booked (or, with <paramref name="booked"/> false, cancelled or
    /// removed): engagement that counts toward the score. Idempotent per meeting id.
    /// </summary>
    [Alias("RecordMeeting")]
    Task<CommandError?> RecordMeetingAsync(string meetingId, bool booked, Actor actor);

    /// <summary>Deletes the lead; an error when there is none or the version is stale.</summary>
    [Alias("Delete")]
    Task<CommandError?> DeleteAsync(Actor actor, long? expectedVersion = null);
}

/// <summary>Reads lead documents straight from the store, with indexes; never activates grains.</summary>
public interface ILeadQueries
{
    Task<Page<LeadDto>> ListAsync(LeadListQuery query, CancellationToken cancellationToken = default);
}
