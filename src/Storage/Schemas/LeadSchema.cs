using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Queries;

namespace CrmChatbot.Storage.Schemas;

/// <summary>The <c>leads</c> collection: text search, the lower-cased name for sorting, and its indexes.</summary>
public static class LeadSchema
{
    /// <summary>Computed: the invariant lower-case name, for the case-insensitive name sort.</summary>
    public const string NameLower = "name_lower";

    /// <summary>Stored names of lead fields beyond the shared <see cref="LeadFields"/>.</summary>
    public static readonly string Score = SnakeCase.Convert(nameof(LeadState.Score));

    public static readonly string CampaignId = SnakeCase.Convert(nameof(LeadState.CampaignId));

    public static CollectionSchema Schema { get; } = new(StorageNames.Leads, typeof(LeadState))
    {
        SearchFields = [LeadFields.Name, LeadFields.Email, LeadFields.Company],
        Computed = new Dictionary<string, Func<object, object?>>
        {
            [NameLower] = state => ((LeadState)state).Name?.ToLowerInvariant(),
        },
        // Equality filters use the compound indexes below (their first key); totals come from the counts.
        CountedFields = [LeadFields.Status, LeadFields.Source, LeadFields.OwnerId, CampaignId],
        Indexes =
        [
            IndexSpec.On(new IndexKey(LeadFields.CreatedAt, true), new IndexKey(DocumentFields.Id, true)),
            IndexSpec.On(new IndexKey(LeadFields.UpdatedAt, true), new IndexKey(DocumentFields.Id, true)),
            IndexSpec.On(NameLower, DocumentFields.Id),
            IndexSpec.On(new IndexKey(Score, true), new IndexKey(DocumentFields.Id, true)),

            // The default list (newest first) under each equality filter.
            IndexSpec.On(LeadFields.Status, new IndexKey(LeadFields.CreatedAt, true), new IndexKey(DocumentFields.Id, true)),
            IndexSpec.On(LeadFields.Source, new IndexKey(LeadFields.CreatedAt, true), new IndexKey(DocumentFields.Id, true)),
            IndexSpec.On(LeadFields.OwnerId, new IndexKey(LeadFields.CreatedAt, true), new IndexKey(DocumentFields.Id, true)),
            IndexSpec.On(CampaignId, new IndexKey(LeadFields.CreatedAt, true), new IndexKey(DocumentFields.Id, true)),
        ],
    };
}
