namespace CrmChatbot.Tickets;

/// <summary>
/// What one client may add to the ticket store, so a client cannot grow it without bound. Staff are not limited
/// by these (sizes apply to everyone: <see cref="TicketLimits"/>). Set from <c>TICKET_CLIENT_MAX_OPEN</c>,
/// <c>TICKET_CLIENT_COMMENTS_PER_HOUR</c> and <c>TICKET_CLIENT_STATUS_CHANGES_PER_DAY</c>.
/// </summary>
public sealed class TicketQuotaOptions
{
    /// <summary>Tickets a client may have not yet resolved or closed; one more is 409.</summary>
    public int MaxOpenTicketsPerClient { get; set; } = 20;

    /// <summary>Comments a client may add to one ticket within an hour; more is 429 with Retry-After.</summary>
    public int ClientCommentsPerHour { get; set; } = 30;

    /// <summary>Times a client may close or reopen one ticket within a day; more is 429 with Retry-After.</summary>
    public int ClientStatusChangesPerDay { get; set; } = 10;

    public static readonly TimeSpan CommentWindow = TimeSpan.FromHours(1);

    public static readonly TimeSpan StatusChangeWindow = TimeSpan.FromDays(1);
}
