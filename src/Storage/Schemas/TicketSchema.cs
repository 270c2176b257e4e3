using CrmChatbot.Storage.Queries;
using CrmChatbot.Tickets;

namespace CrmChatbot.Storage.Schemas;

/// <summary>Stored field names of <see cref="TicketState"/>, inside <see cref="DocumentFields.State"/>.</summary>
public static class TicketFields
{
    public static readonly string Number = SnakeCase.Convert(nameof(TicketState.Number));
    public static readonly string Subject = SnakeCase.Convert(nameof(TicketState.Subject));
    public static readonly string Description = SnakeCase.Convert(nameof(TicketState.Description));
    public static readonly string Status = SnakeCase.Convert(nameof(TicketState.Status));
    public static readonly string Priority = SnakeCase.Convert(nameof(TicketState.Priority));
    public static readonly string RequesterId = SnakeCase.Convert(nameof(TicketState.RequesterId));
    public static readonly string AssigneeId = SnakeCase.Convert(nameof(TicketState.AssigneeId));
    public static readonly string Tags = SnakeCase.Convert(nameof(TicketState.Tags));
    public static readonly string SlaBreached = SnakeCase.Convert(nameof(TicketState.SlaBreached));
    public static readonly string CreatedAt = SnakeCase.Convert(nameof(TicketState.CreatedAt));
    public static readonly string UpdatedAt = SnakeCase.Convert(nameof(TicketState.UpdatedAt));
}

/// <summary>The <c>tickets</c> collection: text search, a numeric priority rank for sorting, and an index per filter and sort.</summary>
public static class TicketSchema
{
    /// <summary>Computed: low 0, medium 1, high 2, urgent 3 (the stored priority is a name, which sorts alphabetically).</summary>
    public const string PriorityRank = "priority_rank";

    private static readonly IndexKey NewestFirst = new(TicketFields.CreatedAt, true);
    private static readonly IndexKey IdDescending = new(DocumentFields.Id, true);

    public static CollectionSchema Schema { get; } = new(TicketStorage.Tickets, typeof(TicketState))
    {
        SearchFields = [TicketFields.Subject, TicketFields.Description, TicketFields.Number],
        Computed = new Dictionary<string, Func<object, object?>>
        {
            [PriorityRank] = state => (int)((TicketState)state).Priority,
        },
        CountedFields = [TicketFields.Status, TicketFields.Priority, TicketFields.AssigneeId, TicketFields.RequesterId, TicketFields.SlaBreached],
        Indexes =
        [
            // A backstop behind the allocator: two tickets can never be stored with one number.
            new IndexSpec([TicketFields.Number], Unique: true),
            IndexSpec.On(TicketFields.Tags),
            IndexSpec.On(NewestFirst, IdDescending),
            IndexSpec.On(new IndexKey(TicketFields.UpdatedAt, true), IdDescending),
            IndexSpec.On(new IndexKey(PriorityRank, true), IdDescending),

            // The default list (newest first) under each equality filter; clients always filter by requester.
            IndexSpec.On(TicketFields.Status, NewestFirst, IdDescending),
            IndexSpec.On(TicketFields.Priority, NewestFirst, IdDescending),
            IndexSpec.On(TicketFields.AssigneeId, NewestFirst, IdDescending),
            IndexSpec.On(TicketFields.RequesterId, NewestFirst, IdDescending),
            IndexSpec.On(TicketFields.SlaBreached, NewestFirst, IdDescending),
        ],
    };
}
