using Orleans.Concurrency;
using CrmChatbot.Common;

namespace CrmChatbot.Tickets;

/// <summary>
/// One ticket; the grain is the single writer of its state. Keyed by the ticket id. Every command
/// takes the caller: a client that is not the requester gets NotFound, never a hint the ticket exists.
/// </summary>
[Alias("crm.ITicketGrain")]
public interface ITicketGrain : IGrainWithStringKey
{
    /// <summary>Creates the ticket with its allocated number. Called by <see cref="ITicketNumberGrain"/> only.</summary>
    [Alias("Create")]
    Task<CommandResult<TicketDto>> CreateAsync(long number, NewTicket ticket, Actor actor);

    /// <summary>The ticket as <paramref name="viewer"/> may see it, or null (missing, or not theirs).</summary>
    [Alias("Get"), ReadOnly]
    Task<TicketDto?> GetAsync(Actor viewer);

    /// <summary>Partial update, including status transitions; with <paramref name="expectedVersion"/>, only if current.</summary>
    [Alias("Update")]
    Task<CommandResult<TicketDto>> UpdateAsync(TicketPatch patch, Actor actor, long? expectedVersion = null);

    [Alias("AddComment")]
    Task<CommandResult<TicketCommentDto>> AddCommentAsync(NewTicketComment comment, Actor actor, long? expectedVersion = null);

    /// <summary>A page of the comments, oldest first, read from the comment store; internal notes only for staff.</summary>
    [Alias("GetComments"), ReadOnly]
    Task<CommandResult<Page<TicketCommentDto>>> GetCommentsAsync(Actor viewer, int limit, int offset);

    /// <summary>Re-evaluates the SLA now (what the reminder does); returns the ticket.</summary>
    [Alias("CheckSla")]
    Task<TicketDto?> CheckSlaAsync();

    [Alias("Delete")]
    Task<CommandError?> DeleteAsync(Actor actor, long? expectedVersion = null);
}

/// <summary>
/// The ticket-number allocator and creation orchestrator; one per cluster, keyed <see cref="Key"/>.
/// Numbers are sequential, unique and gap-free, even across crashes mid-creation.
/// </summary>
[Alias("crm.ITicketNumberGrain")]
public interface ITicketNumberGrain : IGrainWithStringKey
{
    public const string Key = "tickets";

    /// <summary>Validates, allocates the next number, and creates the ticket with it.</summary>
    [Alias("CreateTicket")]
    Task<CommandResult<TicketDto>> CreateTicketAsync(NewTicket ticket, Actor actor);
}

/// <summary>Reads ticket documents straight from the store, with indexes; never activates grains.</summary>
public interface ITicketQueries
{
    Task<Page<TicketDto>> ListAsync(TicketListQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every ticket matching the query's filters, search and sort (its limit and offset are ignored), read from
    /// the store <paramref name="pageSize"/> at a time with keyset paging: constant memory however many match.
    /// </summary>
    IAsyncEnumerable<TicketDto> WalkAsync(TicketListQuery query, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>How many of <paramref name="requesterId"/>'s tickets are not resolved or closed (the open-ticket quota).</summary>
    Task<long> CountOpenAsync(string requesterId, CancellationToken cancellationToken = default);

    /// <summary>The id of the ticket with this number, or null.</summary>
    Task<string?> FindIdByNumberAsync(long number, CancellationToken cancellationToken = default);
}

/// <summary>
/// The <c>ticket_comments</c> collection: one row per comment, appended (never rewritten) with the ticket's write
/// through its entity store (<see cref="IAppendsRows{TRow}"/>), so adding a comment does not rewrite the ticket. Appending
/// a comment whose id is already stored leaves it as it is (idempotent).
/// </summary>
public interface ITicketCommentStore : IAppendOnlyRows<TicketComment>
{
    /// <summary>A ticket's comments oldest first (by <see cref="TicketComment.Seq"/>); internal notes only with <paramref name="includeInternal"/>.</summary>
    Task<Page<TicketComment>> ListAsync(string ticketId, bool includeInternal, int limit, int offset, CancellationToken cancellationToken = default);

    /// <summary>Removes every comment of a deleted ticket.</summary>
    Task DeleteAllAsync(string ticketId, CancellationToken cancellationToken = default);
}

public static class TicketStorage
{
    /// <summary>The collection (table) of ticket comments.</summary>
    public const string Comments = "ticket_comments";

    /// <summary>The grain-state name and collection of tickets.</summary>
    public const string Tickets = "tickets";

    /// <summary>The state (and collection) of the number allocator.</summary>
    public const string TicketNumbers = "ticket_numbers";
}
