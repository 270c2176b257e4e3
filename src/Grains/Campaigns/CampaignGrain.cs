using CrmChatbot.Common;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Campaigns;

/// <summary>
/// The single writer of one campaign. Metric increments and lead counts are applied here one at a
/// time, so concurrent callers sum exactly; every change is persisted before it is acknowledged.
/// </summary>
public sealed class CampaignGrain(
    IEntityStore store,
    TimeProvider clock,
    ILogger<CampaignGrain> logger) : EntityGrain<CampaignState>(CampaignNames.Collection, store, clock, logger), ICampaignGrain
{
    protected override string EntityKind => CampaignNames.Kind;

    protected override object ToEventData(CampaignState state) => state.ToDto(Id);

    public async Task<CommandResult<CampaignDto>> CreateAsync(NewCampaign input, Actor actor)
    {
        if (Exists)
        {
            return CommandError.Conflict($"Campaign '{Id}' already exists.");
        }

        var created = CampaignRules.Create(input, Timestamps.Now(Clock));
        if (!created.IsSuccess)
        {
            return created.Error!;
        }

        await CommitAsync(created.Value!, actor, "created");
        return Ok();
    }

    public Task<CampaignDto?> GetAsync() => Task.FromResult(Exists ? Current.ToDto(Id) : null);

    public async Task<CommandResult<CampaignDto>> UpdateAsync(CampaignPatch patch, Actor actor, long? expectedVersion = null)
    {
        if (Refuse(expectedVersion) is { } refused)
        {
            return refused;
        }

        var updated = CampaignRules.Apply(Current, patch, Timestamps.Now(Clock));
        if (!updated.IsSuccess)
        {
            return updated.Error!;
        }

        var next = updated.Value!;
        if (Differs(next))
        {
            await CommitAsync(next, actor, next.Status != Current.Status ? "status_changed" : "updated");
        }

        return Ok();
    }

    public async Task<CommandResult<CampaignDto>> ChangeStatusAsync(CampaignStatus status, string? note, Actor actor, long? expectedVersion = null)
    {
        if (Refuse(expectedVersion) is { } refused)
        {
            return refused;
        }

        if (CampaignRules.CheckTransition(Current.Status, status) is { } conflict)
        {
            return conflict;
        }

        if (status != Current.Status)
        {
            var next = CampaignRules.Copy(Current);
            next.Status = status;
            next.UpdatedAt = Timestamps.Now(Clock);
            await CommitAsync(next, actor, "status_changed", string.IsNullOrWhiteSpace(note) ? null : note.Trim());
        }

        return Ok();
    }

    public async Task<CommandResult<CampaignDto>> AddMetricsAsync(MetricIncrements increments, Actor actor)
    {
        if (Refuse(null) is { } refused)
        {
            return refused;
        }

        var added = CampaignRules.AddMetrics(Current.Metrics, increments);
        if (!added.IsSuccess)
        {
            return added.Error!;
        }

        var (metrics, changes) = added.Value;
        if (changes.Count > 0)
        {
            var next = CampaignRules.Copy(Current);
            next.Metrics = metrics;
            next.UpdatedAt = Timestamps.Now(Clock);
            await CommitAsync(next, actor, "metrics_added", changes: changes);
        }

        return Ok();
    }

    public async Task<CommandError?> RecordLeadCreatedAsync(string leadId, Actor actor)
    {
        if (!Exists)
        {
            return CommandError.NotFound($"Campaign '{Id}' was not found.");
        }

        if (string.IsNullOrWhiteSpace(leadId))
        {
            return CommandError.Invalid("lead_id", "is required");
        }

        if (Current.CountedLeadIds.Contains(leadId, StringComparer.Ordinal))
        {
            return null; // already counted
        }

        var next = CampaignRules.Copy(Current);
        next.CountedLeadIds.Add(leadId);
        next.Metrics.LeadsCreated = Current.Metrics.LeadsCreated + 1;
        next.UpdatedAt = Timestamps.Now(Clock);
        await CommitAsync(next, actor, "lead_counted", note: leadId,
            changes: [CampaignRules.Change(CampaignMetricNames.LeadsCreated, Current.Metrics.LeadsCreated, next.Metrics.LeadsCreated)]);
        return null;
    }

    public async Task<CommandError?> DeleteAsync(Actor actor, long? expectedVersion = null)
    {
        if (Refuse(expectedVersion) is { } refused)
        {
            return refused;
        }

        await DeleteEntityAsync(actor);
        return null;
    }

    /// <summary>NotFound when there is no campaign; PreconditionFailed when the If-Match version is stale.</summary>
    private CommandError? Refuse(long? expectedVersion) =>
        !Exists ? CommandError.NotFound($"Campaign '{Id}' was not found.") : CheckVersion(expectedVersion);

    private CommandResult<CampaignDto> Ok() => CommandResult<CampaignDto>.Ok(Current.ToDto(Id));
}
