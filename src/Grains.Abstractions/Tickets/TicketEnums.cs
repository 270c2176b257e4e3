namespace CrmChatbot.Tickets;

/// <summary>How urgent a ticket is; drives its SLA due times. Serialized as snake_case strings.</summary>
public enum TicketPriority
{
    Low,
    Medium,
    High,
    Urgent,
}

/// <summary>Where a ticket is in the support workflow (see <c>TicketRules.Transitions</c>).</summary>
public enum TicketStatus
{
    Open,
    InProgress,
    WaitingOnCustomer,
    Resolved,
    Closed,
}

/// <summary>Fields a ticket list can be sorted by.</summary>
public enum TicketSortField
{
    CreatedAt,
    UpdatedAt,
    Priority,
    Number,
}
