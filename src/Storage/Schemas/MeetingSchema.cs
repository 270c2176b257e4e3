using CrmChatbot.Meetings;
using CrmChatbot.Storage.Queries;

namespace CrmChatbot.Storage.Schemas;

/// <summary>The <c>meetings</c> collection: participant keys and the lower-cased title as computed fields, and indexes for every list filter.</summary>
public static class MeetingSchema
{
    /// <summary>Computed: <c>user:&lt;id&gt;</c>, <c>lead:&lt;id&gt;</c>, <c>email:&lt;addr&gt;</c> of every participant (and the linked lead).</summary>
    public const string ParticipantKeys = "participant_keys";

    /// <summary>Computed: the invariant lower-case title, for the case-insensitive title sort.</summary>
    public const string TitleLower = "title_lower";

    public static readonly string Start = SnakeCase.Convert(nameof(MeetingState.Start));
    public static readonly string End = SnakeCase.Convert(nameof(MeetingState.End));
    public static readonly string Status = SnakeCase.Convert(nameof(MeetingState.Status));
    public static readonly string LeadId = SnakeCase.Convert(nameof(MeetingState.LeadId));
    public static readonly string TicketId = SnakeCase.Convert(nameof(MeetingState.TicketId));
    public static readonly string CreatedAt = SnakeCase.Convert(nameof(MeetingState.CreatedAt));

    public static CollectionSchema Schema { get; } = new(MeetingNames.Collection, typeof(MeetingState))
    {
        SearchFields =
        [
            SnakeCase.Convert(nameof(MeetingState.Title)),
            SnakeCase.Convert(nameof(MeetingState.Notes)),
            SnakeCase.Convert(nameof(MeetingState.Location)),
        ],
        Computed = new Dictionary<string, Func<object, object?>>
        {
            [ParticipantKeys] = state => ((MeetingState)state).ParticipantFilterKeys(),
            [TitleLower] = state => ((MeetingState)state).Title?.ToLowerInvariant(),
        },
        CountedFields = [Status],
        Indexes =
        [
            IndexSpec.On(Start, DocumentFields.Id),
            IndexSpec.On(End),
            IndexSpec.On(new IndexKey(CreatedAt, true), new IndexKey(DocumentFields.Id, true)),
            IndexSpec.On(TitleLower, DocumentFields.Id),
            IndexSpec.On(ParticipantKeys, Start),
            IndexSpec.On(Status, Start),
            IndexSpec.On(LeadId, Start),
            IndexSpec.On(TicketId, Start),
        ],
    };
}
