using CrmChatbot.Common;

namespace CrmChatbot.Leads;

/// <summary>A lead as the API returns it.</summary>
[GenerateSerializer, Immutable, Alias("crm.lead")]
public sealed record LeadDto(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Email,
    [property: Id(3)] string? Phone,
    [property: Id(4)] string? Company,
    [property: Id(5)] LeadStatus Status,
    [property: Id(6)] LeadSource Source,
    [property: Id(7)] string? Notes,
    [property: Id(8)] string? OwnerId,
    [property: Id(9)] DateTime CreatedAt,
    [property: Id(10)] DateTime UpdatedAt,
    [property: Id(11)] long Version,
    [property: Id(12)] string? CampaignId = null) : IVersioned
{
    /// <summary>Rule-based score 0-100; see <c>LeadScoring</c>.</summary>
    [Id(13)] public int Score { get; init; }

    [Id(14)] public string? LostReason { get; init; }

    [Id(15)] public DateTime? ConvertedAt { get; init; }

    /// <summary>User id of who converted the lead.</summary>
    [Id(16)] public string? ConvertedBy { get; init; }
}

/// <summary>The fields of a new lead. Status and source fall back to their defaults when null.</summary>
[GenerateSerializer, Immutable, Alias("crm.new-lead")]
public sealed record NewLead(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Email = null,
    [property: Id(2)] string? Phone = null,
    [property: Id(3)] string? Company = null,
    [property: Id(4)] LeadStatus? Status = null,
    [property: Id(5)] LeadSource? Source = null,
    [property: Id(6)] string? Notes = null,
    [property: Id(7)] string? OwnerId = null,
    [property: Id(8)] string? CampaignId = null,
    [property: Id(9)] string? LostReason = null);

/// <summary>A partial update: only fields that are present change.</summary>
[GenerateSerializer, Immutable, Alias("crm.lead-patch")]
public sealed record LeadPatch
{
    [Id(0)] public Optional<string> Name { get; init; }
    [Id(1)] public Optional<string> Email { get; init; }
    [Id(2)] public Optional<string> Phone { get; init; }
    [Id(3)] public Optional<string> Company { get; init; }
    [Id(4)] public Optional<LeadStatus> Status { get; init; }
    [Id(5)] public Optional<LeadSource> Source { get; init; }
    [Id(6)] public Optional<string> Notes { get; init; }
    [Id(7)] public Optional<string> OwnerId { get; init; }
    [Id(8)] public Optional<string> LostReason { get; init; }
}

/// <summary>Filters, sort and paging of <c>GET /api/leads</c>.</summary>
public sealed record LeadListQuery
{
    public LeadStatus? Status { get; init; }
    public LeadSource? Source { get; init; }
    public string? OwnerId { get; init; }

    public string? CampaignId { get; init; }

    /// <summary>Only leads scoring at least this much.</summary>
    public int? MinScore { get; init; }

    /// <summary>True: only converted leads; false: only leads not converted.</summary>
    public bool? Converted { get; init; }

    /// <summary>Case-insensitive substring of name, email or company.</summary>
    public string? Text { get; init; }

    public SortOrder<LeadSortField> Sort { get; init; } = new(LeadSortField.CreatedAt, Descending: true);
    public int Limit { get; init; } = 50;
    public int Offset { get; init; }
}

/// <summary>The outcome of a contact claim: granted to the caller, or held by another lead.</summary>
[GenerateSerializer, Immutable, Alias("crm.lead-contact-claim-result")]
public sealed record ContactClaimResult([property: Id(0)] bool Granted, [property: Id(1)] string? HolderId);
