using Orleans.Concurrency;
using CrmChatbot.Common;

namespace CrmChatbot.Leads;

/// <summary>One lead; the grain is the single writer of its state. Keyed by the lead id.</summary>
[Alias("crm.ILeadGrain")]
public interface ILeadGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the lead; a conflict if this id already holds one, or if another lead holds its email or
    /// phone (the error's fields carry <c>existing_id</c>) unless <paramref name="allowDuplicate"/>.
    /// </summary>
    [Alias("Create")]
    Task<CommandResult<LeadDto>> CreateAsync(NewLead lead, Actor actor, bool allowDuplicate = false);

    /// <summary>The lead, or null when it does not exist.</summary>
    [Alias("Get"), ReadOnly]
    Task<LeadDto?> GetAsync();

    /// <summary>Applies a partial update; with <paramref name="expectedVersion"/>, only if it is current (If-Match).</summary>
    [Alias("Update")]
    Task<CommandResult<LeadDto>> UpdateAsync(LeadPatch patch, Actor actor, long? expectedVersion = null, bool allowDuplicate = false);

    /// <summary>Marks the lead converted by <paramref name="actor"/>; a conflict when it is lost or already converted.</summary>
    [Alias("Convert")]
    Task<CommandResult<LeadDto>> ConvertAsync(string? notes, Actor actor, long? expectedVersion = null);

    /// <summary>Gives the lead to another owner (the caller checked it is active staff).</summary>
    [Alias("Assign")]
    Task<CommandResult<LeadDto>> AssignAsync(string ownerId, Actor actor, long? expectedVersion = null);

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

/// <summary>
/// Who holds one normalized contact (key <c>email:ada@example.com</c> or <c>phone:+15550100000</c>):
/// the single place where two leads with one email meet, so concurrent creates cannot both pass.
/// </summary>
[Alias("crm.ILeadContactClaimGrain")]
public interface ILeadContactClaimGrain : IGrainWithStringKey
{
    /// <summary>Takes the claim for <paramref name="leadId"/> when free, already its own, or abandoned; else names the holder.</summary>
    [Alias("Claim")]
    Task<ContactClaimResult> ClaimAsync(string leadId);

    /// <summary>Frees the claim if <paramref name="leadId"/> holds it.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string leadId);

    /// <summary>The lead holding the claim, or null.</summary>
    [Alias("Holder"), ReadOnly]
    Task<string?> GetHolderAsync();
}

/// <summary>Reads lead documents straight from the store, with indexes; never activates grains.</summary>
public interface ILeadQueries
{
    Task<Page<LeadDto>> ListAsync(LeadListQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every lead matching the query's filters, search and sort (its limit and offset are ignored), read from
    /// the store <paramref name="pageSize"/> at a time with keyset paging: constant memory however many match.
    /// </summary>
    IAsyncEnumerable<LeadDto> WalkAsync(LeadListQuery query, int pageSize, CancellationToken cancellationToken = default);
}
