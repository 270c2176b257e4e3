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

    /// <summary>Comments oldest first; internal notes only for staff.</summary>
    [Alias("GetComments"), ReadOnly]
    Task<CommandResult<IReadOnlyList<TicketCommentDto>>> GetCommentsAsync(Actor viewer);

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

    /// <summary>The id of the ticket with this number, or null.</summary>
    Task<string?> FindIdByNumberAsync(long number, CancellationToken cancellationToken = default);
}

public static class TicketStorage
{
    /// <summary>The grain-state name and collection of tickets.</summary>
    public const string Tickets = "tickets";

    /// <summary>The state (and collection) of the number allocator.</summary>
    public const string TicketNumbers = "ticket_numbers";
}
