using CrmChatbot.Campaigns;
using CrmChatbot.Common;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Leads;

/// <summary>
/// The single writer of one lead. Every change is validated here and persisted before it is
/// acknowledged. Its email and phone are claimed in <see cref="ILeadContactClaimGrain"/>s before
/// they are written, so two leads cannot take one contact even when created at the same moment.
/// </summary>
public sealed partial class LeadGrain : EntityGrain<LeadState>, ILeadGrain
{
    private readonly IEntityDirectory _directory;
    private readonly ILogger<LeadGrain> _logger;

    public LeadGrain(
        IEntityStore store,
        IEntityDirectory directory,
        TimeProvider clock,
        ILogger<LeadGrain> logger)
        : base(StorageNames.Leads, store, clock, logger)
    {
        _directory = directory;
        _logger = logger;
    }

    protected override string EntityKind => "lead";

    protected override object ToEventData(LeadState state) => state.ToDto(Id);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        // A count that failed before (campaign grain unreachable) is retried here.
        await CountInCampaignAsync(Actor.System);
    }

    public async Task<CommandResult<LeadDto>> CreateAsync(NewLead input, Actor actor, bool allowDuplicate = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        if (Exists)
        {
            return CommandError.Conflict($"Lead '{Id}' already exists.");
        }

        var created = LeadRules.Create(input, Timestamps.Now(Clock), actor.UserId);
        if (!created.IsSuccess)
        {
            return created.Error!;
        }

        var next = created.Value!;
        if (next.CampaignId is { } campaignId && !await _directory.ExistsAsync(LeadStorageNames.Campaigns, campaignId))
        {
            return CommandError.Invalid("campaign_id", "is not the id of an existing campaign");
        }

        if (await CommitWithClaimsAsync(next, null, allowDuplicate, actor, "created") is { } duplicate)
        {
            return duplicate;
        }

        await CountInCampaignAsync(actor);
        return CommandResult<LeadDto>.Ok(Current.ToDto(Id));
    }

    public Task<LeadDto?> GetAsync() => Task.FromResult(Exists ? Current.ToDto(Id) : null);

    public async Task<CommandResult<LeadDto>> UpdateAsync(LeadPatch patch, Actor actor, long? expectedVersion = null, bool allowDuplicate = false)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (Refuse(expectedVersion) is { } refused)
        {
            return refused;
        }

        var updated = LeadRules.Apply(Current, patch, Timestamps.Now(Clock), actor.UserId);
        if (!updated.IsSuccess)
        {
            return updated.Error!;
        }

        if (Differs(updated.Value!) &&
            await CommitWithClaimsAsync(updated.Value!, Current, allowDuplicate, actor, "updated") is { } duplicate)
        {
            return duplicate;
        }

        await CountInCampaignAsync(actor);
        return CommandResult<LeadDto>.Ok(Current.ToDto(Id));
    }

    public async Task<CommandResult<LeadDto>> ConvertAsync(string? notes, Actor actor, long? expectedVersion = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (Refuse(expectedVersion) is { } refused)
        {
            return refused;
        }

        var errors = new FieldErrors();
        notes = errors.Optional("notes", notes, LeadRules.NotesMaxLength, multiLine: true);
        if (errors.Any)
        {
            return errors.ToError();
        }

        var converted = LeadRules.Convert(Current, Timestamps.Now(Clock), actor.UserId);
        if (!converted.IsSuccess)
        {
            return converted.Error!;
        }

        await CommitAsync(converted.Value!, actor, "converted", note: notes);
        await CountInCampaignAsync(actor);
        return CommandResult<LeadDto>.Ok(Current.ToDto(Id));
    }

    public async Task<CommandResult<LeadDto>> AssignAsync(string ownerId, Actor actor, long? expectedVersion = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (Refuse(expectedVersion) is { } refused)
        {
            return refused;
        }

        var errors = new FieldErrors();
        var owner = errors.Required("owner_id", ownerId, LeadRules.OwnerIdMaxLength);
        if (errors.Any)
        {
            return errors.ToError();
        }

        if (owner != Current.OwnerId)
        {
            var next = LeadRules.Copy(Current);
            next.OwnerId = owner;
            next.UpdatedAt = Timestamps.Now(Clock);
            await CommitAsync(next, actor, "assigned", note: owner);
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

        var next = LeadRules.WithMeeting(Current, meetingId, booked, Timestamps.Now(Clock));
        await CommitAsync(next, actor, booked ? "meeting_booked" : "meeting_removed", note: meetingId);
        return null;
    }

    public async Task<CommandError?> DeleteAsync(Actor actor, long? expectedVersion = null)
    {
        if (Refuse(expectedVersion) is { } refused)
        {
            return refused;
        }

        string?[] claims = [Current.EmailClaim, Current.PhoneClaim];
        await DeleteEntityAsync(actor);
        await ReleaseAsync(claims);
        return null;
    }

    /// <summary>404 when there is no lead, 412 when the If-Match version is stale.</summary>
    private CommandError? Refuse(long? expectedVersion) =>
        !Exists ? CommandError.NotFound($"Lead '{Id}' was not found.") : CheckVersion(expectedVersion);

    /// <summary>
    /// Claims the contacts <paramref name="next"/> newly uses, commits it, then frees the claims it no
    /// longer uses. A contact held by another lead is a 409 naming that lead, unless duplicates are
    /// allowed: then the lead is written without the claim (the first holder keeps it).
    /// </summary>
    private async Task<CommandError?> CommitWithClaimsAsync(LeadState next, LeadState? current, bool allowDuplicate, Actor actor, string action)
    {
        var acquired = new List<string>();
        var contacts = new (string? Key, string? Held, string? Before, Action<string?> Set)[]
        {
            (ContactKeys.Email(next.Email), current?.EmailClaim, ContactKeys.Email(current?.Email), key => next.EmailClaim = key),
            (ContactKeys.Phone(next.Phone), current?.PhoneClaim, ContactKeys.Phone(current?.Phone), key => next.PhoneClaim = key),
        };
        foreach (var (key, held, before, set) in contacts)
        {
            if (key == before && current is not null)
            {
                continue; // unchanged contact: keep whatever claim (or none) the lead had
            }

            if (key is null)
            {
                set(null);
                continue;
            }

            var claim = await GrainFactory.Reference<ILeadContactClaimGrain>(key).ClaimAsync(Id);
            if (claim.Granted)
            {
                acquired.Add(key);
                set(key);
            }
            else if (allowDuplicate)
            {
                set(null);
            }
            else
            {
                await ReleaseAsync(acquired);
                return LeadRules.Duplicate(key, claim.HolderId!);
            }
        }

        try
        {
            await CommitAsync(next, actor, action);
        }
        catch
        {
            await ReleaseAsync(acquired);
            throw;
        }

        await ReleaseAsync([.. contacts.Select(c => c.Held).Where(held => held is not null && held != next.EmailClaim && held != next.PhoneClaim)]);
        return null;
    }

    /// <summary>Frees claims; best effort, since a claim whose lead is gone can be taken over later.</summary>
    private async Task ReleaseAsync(IEnumerable<string?> keys)
    {
        foreach (var key in keys.OfType<string>())
        {
            try
            {
                await GrainFactory.Reference<ILeadContactClaimGrain>(key).ReleaseAsync(Id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogReleaseFailed(_logger, key, Id, ex.Message);
            }
        }
    }

    /// <summary>
    /// Counts the lead toward its campaign once. The flag is stored only after the campaign
    /// acknowledged (the count is idempotent per lead), so a failed call is retried on the next
    /// activation or change instead of being lost.
    /// </summary>
    private async Task CountInCampaignAsync(Actor actor)
    {
        if (!Exists || Current.CampaignId is not { } campaignId || Current.CampaignCounted)
        {
            return;
        }

        try
        {
            var error = await GrainFactory.Reference<ICampaignLeadsGrain>(campaignId).RecordLeadCreatedAsync(Id, actor);
            // NotFound: the campaign is gone, so there is nothing left to count.
            if (error is not null && error.Kind != ErrorKind.NotFound)
            {
                LogCountDeferred(_logger, Id, campaignId, error.Message);
                return;
            }

            var counted = LeadRules.Copy(Current);
            counted.Version = Current.Version;
            counted.PendingTimeline = Current.PendingTimeline;
            counted.CampaignCounted = true;
            await SaveWithoutHistoryAsync(counted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCountDeferred(_logger, Id, campaignId, ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Contact claim {Key} of lead {LeadId} not released ({Reason}); it can be taken over once abandoned")]
    private static partial void LogReleaseFailed(ILogger logger, string key, string leadId, string reason);

    [LoggerMessage(LogLevel.Warning, "Lead {LeadId} not yet counted in campaign {CampaignId} ({Reason}); retried on its next activation or change")]
    private static partial void LogCountDeferred(ILogger logger, string leadId, string campaignId, string reason);
}
