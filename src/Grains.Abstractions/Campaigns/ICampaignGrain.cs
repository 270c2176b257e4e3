using Orleans.Concurrency;
using CrmChatbot.Common;

namespace CrmChatbot.Campaigns;

/// <summary>One campaign; the grain is the single writer of its state. Keyed by the campaign id.</summary>
[Alias("crm.ICampaignGrain")]
public interface ICampaignGrain : ICampaignLeadsGrain
{
    [Alias("Create")]
    Task<CommandResult<CampaignDto>> CreateAsync(NewCampaign campaign, Actor actor);

    /// <summary>The campaign, or null when it does not exist.</summary>
    [Alias("Get"), ReadOnly]
    Task<CampaignDto?> GetAsync();

    /// <summary>Partial update; a status in the patch must be an allowed transition (else Conflict).</summary>
    [Alias("Update")]
    Task<CommandResult<CampaignDto>> UpdateAsync(CampaignPatch patch, Actor actor, long? expectedVersion = null);

    /// <summary>Moves the campaign to <paramref name="status"/> if the transition is allowed (else Conflict naming the allowed ones).</summary>
    [Alias("ChangeStatus")]
    Task<CommandResult<CampaignDto>> ChangeStatusAsync(CampaignStatus status, string? note, Actor actor, long? expectedVersion = null);

    /// <summary>Adds the increments to the counters in one write; concurrent calls are serialized, so they sum exactly.</summary>
    [Alias("AddMetrics")]
    Task<CommandResult<CampaignDto>> AddMetricsAsync(MetricIncrements increments, Actor actor);

    [Alias("Delete")]
    Task<CommandError?> DeleteAsync(Actor actor, long? expectedVersion = null);
}

/// <summary>Reads campaign documents straight from the store, with indexes; never activates grains.</summary>
public interface ICampaignQueries
{
    Task<Page<CampaignDto>> ListAsync(CampaignListQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every campaign matching the query's filters, search and sort (its limit and offset are ignored), read from
    /// the store <paramref name="pageSize"/> at a time with keyset paging: constant memory however many match.
    /// </summary>
    IAsyncEnumerable<CampaignDto> WalkAsync(CampaignListQuery query, int pageSize, CancellationToken cancellationToken = default);
}
