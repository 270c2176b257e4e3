using CrmChatbot.Common;

namespace CrmChatbot.Leads;

/// <summary>Validation and normalization of lead fields, shared by create and update.</summary>
public static class LeadRules
{
    public const int NameMaxLength = 200;
    public const int CompanyMaxLength = 200;
    public const int NotesMaxLength = 10_000;
    public const int OwnerIdMaxLength = 100;
    public const int CampaignIdMaxLength = 100;
    public const int LostReasonMaxLength = 1_000;

    /// <summary>Builds the state of a new lead, or the field errors that prevent it.</summary>
    public static CommandResult<LeadState> Create(NewLead input, DateTime now, string? actorId = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var campaignId = string.IsNullOrWhiteSpace(input.CampaignId) ? null : input.CampaignId.Trim();
        var state = new LeadState
        {
            Name = input.Name ?? "",
            Email = input.Email,
            Phone = input.Phone,
            Company = input.Company,
            Status = input.Status ?? LeadStatus.New,
            // A lead that names its campaign came from it, unless the caller says otherwise.
            Source = input.Source ?? (campaignId is null ? LeadSource.Website : LeadSource.Campaign),
            Notes = input.Notes,
            OwnerId = input.OwnerId,
            CampaignId = campaignId,
            LostReason = input.LostReason,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return Normalize(state, null, lostReasonGiven: input.LostReason is not null, now, actorId);
    }

    /// <summary>A copy of the state to change (states are replaced, never mutated in place).</summary>
    public static LeadState Copy(LeadState current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return new LeadState
        {
            Name = current.Name,
            Email = current.Email,
            Phone = current.Phone,
            Company = current.Company,
            Status = current.Status,
            Source = current.Source,
            Notes = current.Notes,
            OwnerId = current.OwnerId,
            CreatedAt = current.CreatedAt,
            UpdatedAt = current.UpdatedAt,
            MeetingIds = [.. current.MeetingIds],
            CampaignId = current.CampaignId,
            Score = current.Score,
            LostReason = current.LostReason,
            ConvertedAt = current.ConvertedAt,
            ConvertedBy = current.ConvertedBy,
            EmailClaim = current.EmailClaim,
            PhoneClaim = current.PhoneClaim,
            CampaignCounted = current.CampaignCounted,
        };
    }

    /// <summary>Applies the present fields of a patch to a copy of the current state.</summary>
    public static CommandResult<LeadState> Apply(LeadState current, LeadPatch patch, DateTime now, string? actorId = null)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var next = Copy(current);
        next.Name = patch.Name.HasValue ? patch.Name.Value ?? "" : current.Name;
        next.Email = patch.Email.Or(current.Email);
        next.Phone = patch.Phone.Or(current.Phone);
        next.Company = patch.Company.Or(current.Company);
        next.Status = patch.Status.HasValue ? patch.Status.Value : current.Status;
        next.Source = patch.Source.HasValue ? patch.Source.Value : current.Source;
        next.Notes = patch.Notes.Or(current.Notes);
        next.OwnerId = patch.OwnerId.Or(current.OwnerId);
        next.LostReason = patch.LostReason.Or(current.LostReason);
        next.UpdatedAt = now;
        return Normalize(next, current, lostReasonGiven: patch.LostReason.HasValue && patch.LostReason.Value is not null, now, actorId);
    }

    /// <summary>The lead converted by <paramref name="actorId"/>, or a conflict when it is lost or already converted.</summary>
    public static CommandResult<LeadState> Convert(LeadState current, DateTime now, string? actorId)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.Status is LeadStatus.Converted or LeadStatus.Lost)
        {
            return CommandError.Conflict($"A {current.Status.ToString().ToLowerInvariant()} lead cannot be converted.");
        }

        var next = Copy(current);
        next.Status = LeadStatus.Converted;
        next.ConvertedAt = now;
        next.ConvertedBy = actorId;
        next.UpdatedAt = now;
        next.Score = LeadScoring.Score(next);
        return CommandResult<LeadState>.Ok(next);
    }

    /// <summary>The lead with its set of booked meetings changed, and its score recomputed.</summary>
    public static LeadState WithMeeting(LeadState current, string meetingId, bool booked, DateTime now)
    {
        var next = Copy(current);
        next.MeetingIds = booked ? [.. current.MeetingIds, meetingId] : [.. current.MeetingIds.Where(m => m != meetingId)];
        next.UpdatedAt = now;
        next.Score = LeadScoring.Score(next);
        return next;
    }

    /// <summary>A 409 naming the lead that already holds this email or phone (fields <c>existing_id</c> and <c>field</c>).</summary>
    public static CommandError Duplicate(string claimKey, string existingId)
    {
        var field = ContactKeys.FieldOf(claimKey);
        return new CommandError(
            ErrorKind.Conflict,
            $"Lead '{existingId}' already has this {field}; pass allow_duplicate=true to keep both.",
            new Dictionary<string, string[]>(StringComparer.Ordinal) { ["existing_id"] = [existingId], ["field"] = [field] });
    }

    private static CommandResult<LeadState> Normalize(LeadState state, LeadState? previous, bool lostReasonGiven, DateTime now, string? actorId)
    {
        var errors = new FieldErrors();
        state.Name = errors.Required("name", state.Name, NameMaxLength);
        state.Email = errors.Email("email", state.Email);
        state.Phone = errors.Phone("phone", state.Phone);
        state.Company = errors.Optional("company", state.Company, CompanyMaxLength);
        state.Notes = errors.Optional("notes", state.Notes, NotesMaxLength, multiLine: true);
        state.OwnerId = errors.Optional("owner_id", state.OwnerId, OwnerIdMaxLength);
        state.CampaignId = errors.Optional("campaign_id", state.CampaignId, CampaignIdMaxLength);
        state.LostReason = errors.Optional("lost_reason", state.LostReason, LostReasonMaxLength, multiLine: true);
        if (!Enum.IsDefined(state.Status))
        {
            errors.Add("status", "is not a known lead status");
        }

        if (!Enum.IsDefined(state.Source))
        {
            errors.Add("source", "is not a known lead source");
        }

        // A lost lead says why; a lead that is not lost has no lost reason (leaving lost clears it,
        // and giving one to a lead that is not lost is a mistake worth reporting).
        if (state.Status == LeadStatus.Lost && state.LostReason is null)
        {
            errors.Add("lost_reason", "is required when the status is lost");
        }
        else if (state.Status != LeadStatus.Lost && state.LostReason is not null)
        {
            if (lostReasonGiven)
            {
                errors.Add("lost_reason", "is only allowed when the status is lost");
            }

            state.LostReason = null;
        }

        // Converted at/by follow the status whichever way it got there.
        if (state.Status == LeadStatus.Converted && previous?.Status != LeadStatus.Converted)
        {
            state.ConvertedAt = now;
            state.ConvertedBy = actorId;
        }
        else if (state.Status != LeadStatus.Converted)
        {
            state.ConvertedAt = null;
            state.ConvertedBy = null;
        }

        state.Score = LeadScoring.Score(state);
        return errors.Any ? errors.ToError() : CommandResult<LeadState>.Ok(state);
    }
}
