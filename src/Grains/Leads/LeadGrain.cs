using CrmChatbot.Common;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Leads;

/// <summary>The single writer of one lead. Every change is validated here and persisted before it is acknowledged.</summary>
public sealed class LeadGrain(
    [PersistentState(StorageNames.Leads, StorageNames.Crm)] IPersistentState<LeadState> lead,
    ITimelineStore timeline,
    TimeProvider clock,
    ILogger<LeadGrain> logger) : EntityGrain<LeadState>(lead, timeline, clock, logger), ILeadGrain
{
    protected override string EntityKind => "lead";

    public async Task<CommandResult<LeadDto>> CreateAsync(NewLead input, Actor actor)
    {
        if (Exists)
        {
            return CommandError.Conflict($"Lead '{Id}' already exists.");
        }

        var created = LeadRules.Create(input, Timestamps.Now(Clock));
        if (!created.IsSuccess)
        {
            return created.Error!;
        }

        await CommitAsync(created.Value!, actor, "created");
        return CommandResult<LeadDto>.Ok(Current.ToDto(Id));
    }

    public Task<LeadDto?> GetAsync() => Task.FromResult(Exists ? Current.ToDto(Id) : null);

    public async Task<CommandResult<LeadDto>> UpdateAsync(LeadPatch patch, Actor actor, long? expectedVersion = null)
    {
        if (!Exists)
        {
            return CommandError.NotFound($"Lead '{Id}' was not found.");
        }

        if (CheckVersion(expectedVersion) is { } stale)
        {
            return stale;
        }

        var updated = LeadRules.Apply(Current, patch, Timestamps.Now(Clock));
        if (!updated.IsSuccess)
        {
            return updated.Error!;
        }

        if (Differs(updated.Value!))
        {
            await CommitAsync(updated.Value!, actor, "updated");
        }

        return CommandResult<LeadDto>.Ok(Current.ToDto(Id));
    }

    public async Task<CommandError?> RecordMeetingAsync(string meetingId, bool booked, Actor actor)
    {
        if (!Exists)
        {
            return CommandError.NotFound($"Lead '{Id}' was not found.");
        }

        if (Current.MeetingIds.Contains(meetingId) == booked)
        {
            return null; // already recorded
        }

        var next = LeadRules.Copy(Current);
        next.MeetingIds = booked ? [.. Current.MeetingIds, meetingId] : [.. Current.MeetingIds.Where(m => m != meetingId)];
        next.UpdatedAt = Timestamps.Now(Clock);
        await CommitAsync(next, actor, booked ? "meeting_booked" : "meeting_removed", note: meetingId);
        return null;
    }

    public async Task<CommandError?> DeleteAsync(Actor actor, long? expectedVersion = null)
    {
        if (!Exists)
        {
            return CommandError.NotFound($"Lead '{Id}' was not found.");
        }

        if (CheckVersion(expectedVersion) is { } stale)
        {
            return stale;
        }

        await DeleteEntityAsync(actor);
        return null;
    }
}
