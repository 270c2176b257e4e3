using CrmChatbot.Common;

namespace CrmChatbot.Leads;

/// <summary>
/// One normalized email or phone and the lead holding it. Calls are serialized per key, so of two
/// concurrent creates with one email exactly one gets the claim.
/// </summary>
public sealed class LeadContactClaimGrain(
    [PersistentState(LeadStorageNames.ContactClaims, StorageNames.Crm)] IPersistentState<LeadContactClaimState> claim,
    IEntityDirectory directory,
    TimeProvider clock) : Grain, ILeadContactClaimGrain
{
    /// <summary>
    /// A lead claims its contact before its first write, so a holder missing from the store may be a
    /// create in flight; only a claim older than this whose lead is still missing is abandoned.
    /// </summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(1);

    public async Task<ContactClaimResult> ClaimAsync(string leadId)
    {
        var holder = claim.State.LeadId;
        var now = Timestamps.Now(clock);
        if (holder is not null && holder != leadId &&
            !await IsAbandonedAsync(holder, claim.State.ClaimedAt, now))
        {
            return new ContactClaimResult(false, holder);
        }

        if (holder != leadId)
        {
            await claim.ReplaceAsync(new LeadContactClaimState { LeadId = leadId, ClaimedAt = now }, DeactivateOnIdle);
        }

        return new ContactClaimResult(true, leadId);
    }

    public async Task ReleaseAsync(string leadId)
    {
        if (claim.State.LeadId == leadId)
        {
            await claim.ReplaceAsync(new LeadContactClaimState(), DeactivateOnIdle);
        }
    }

    public Task<string?> GetHolderAsync() => Task.FromResult(claim.State.LeadId);

    /// <summary>True when the claim may be taken over: old enough, and its lead is not in the store.</summary>
    public static bool CanTakeOver(DateTime claimedAt, DateTime now, bool holderExists) =>
        !holderExists && now - claimedAt >= AbandonedAfter;

    // The store is read only for claims old enough to be abandoned.
    private async Task<bool> IsAbandonedAsync(string holder, DateTime claimedAt, DateTime now) =>
        now - claimedAt >= AbandonedAfter &&
        CanTakeOver(claimedAt, now, await directory.ExistsAsync(StorageNames.Leads, holder));
}
