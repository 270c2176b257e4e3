using CrmChatbot.Leads;
using CrmChatbot.Storage.Queries;

namespace CrmChatbot.Storage.Tests.Conformance;

/// <summary>A test entity kind for the document query layer: every value type, a sub-document and arrays.</summary>
public sealed class DocProbeState
{
    public string Title { get; set; } = "";
    public string? Body { get; set; }
    public string? Owner { get; set; }
    public int Priority { get; set; }
    public double Score { get; set; }
    public decimal Amount { get; set; }
    public bool Closed { get; set; }
    public LeadStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DueAt { get; set; }
    public List<string> Tags { get; set; } = [];
    public List<string> ParticipantIds { get; set; } = [];
    public DocProbeSla Sla { get; set; } = new();
}

public sealed class DocProbeSla
{
    public bool Breached { get; set; }
    public int? Level { get; set; }
}

/// <summary>The schema of <see cref="DocProbeState"/>, as a new entity kind would declare it.</summary>
public static class DocProbeSchema
{
    public const string Collection = "doc_probes";
    public const string TitleLower = "title_lower";
    public const string Participants = "participants";

    public static CollectionSchema Schema { get; } = new(Collection, typeof(DocProbeState))
    {
        SearchFields = ["title", "body", "owner"],
        Computed = new Dictionary<string, Func<object, object?>>
        {
            [TitleLower] = s => ((DocProbeState)s).Title.ToLowerInvariant(),
            [Participants] = s => ((DocProbeState)s).ParticipantIds.Select(p => p.ToLowerInvariant()),
        },
        Indexes =
        [
            IndexSpec.On("status", new IndexKey("created_at", true), new IndexKey("_id", true)),
            IndexSpec.On("tags"),
            IndexSpec.On(Participants),
            IndexSpec.On("sla.breached"),
            IndexSpec.On(TitleLower, "_id"),
            IndexSpec.On("due_at"),
        ],
    };

    public static void Register() => CollectionSchemas.Register(Schema);
}
