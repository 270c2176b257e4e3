using CrmChatbot.Common;

namespace CrmChatbot.Leads;

/// <summary>Validation and normalization of lead fields, shared by create and update.</summary>
public static class LeadRules
{
    public const int NameMaxLength = 200;
    public const int CompanyMaxLength = 200;
    public const int NotesMaxLength = 10_000;
    public const int OwnerIdMaxLength = 100;

    /// <summary>Builds the state of a new lead, or the field errors that prevent it.</summary>
    public static CommandResult<LeadState> Create(NewLead input, DateTime now)
    {
        var state = new LeadState
        {
            Name = input.Name ?? "",
            Email = input.Email,
            Phone = input.Phone,
            Company = input.Company,
            Status = input.Status ?? LeadStatus.New,
            Source = input.Source ?? LeadSource.Website,
            Notes = input.Notes,
            OwnerId = input.OwnerId,
            CampaignId = input.CampaignId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return Normalize(state);
    }

    /// <summary>A copy of the state to change (states are replaced, never mutated in place).</summary>
    public static LeadState Copy(LeadState current) => new()
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
    };

    /// <summary>Applies the present fields of a patch to a copy of the current state.</summary>
    public static CommandResult<LeadState> Apply(LeadState current, LeadPatch patch, DateTime now)
    {
        var next = new LeadState
        {
            Name = patch.Name.HasValue ? patch.Name.Value ?? "" : current.Name,
            Email = patch.Email.Or(current.Email),
            Phone = patch.Phone.Or(current.Phone),
            Company = patch.Company.Or(current.Company),
            Status = patch.Status.HasValue ? patch.Status.Value : current.Status,
            Source = patch.Source.HasValue ? patch.Source.Value : current.Source,
            Notes = patch.Notes.Or(current.Notes),
            OwnerId = patch.OwnerId.Or(current.OwnerId),
            CreatedAt = current.CreatedAt,
            UpdatedAt = now,
            MeetingIds = [.. current.MeetingIds],
            CampaignId = current.CampaignId,
        };
        return Normalize(next);
    }

    private static CommandResult<LeadState> Normalize(LeadState state)
    {
        var errors = new FieldErrors();
        state.Name = errors.Required("name", state.Name, NameMaxLength);
        state.Email = errors.Email("email", state.Email);
        state.Phone = errors.Phone("phone", state.Phone);
        state.Company = errors.Optional("company", state.Company, CompanyMaxLength);
        state.Notes = errors.Optional("notes", state.Notes, NotesMaxLength);
        state.OwnerId = errors.Optional("owner_id", state.OwnerId, OwnerIdMaxLength);
        if (!Enum.IsDefined(state.Status))
        {
            errors.Add("status", "is not a known lead status");
        }

        if (!Enum.IsDefined(state.Source))
        {
            errors.Add("source", "is not a known lead source");
        }

        return errors.Any ? errors.ToError() : CommandResult<LeadState>.Ok(state);
    }
}
