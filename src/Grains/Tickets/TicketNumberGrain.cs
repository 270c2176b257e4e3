using CrmChatbot.Common;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Tickets;

/// <summary>The allocator's persisted counter and the reservation of a creation in flight.</summary>
[GenerateSerializer, Alias("crm.ticket-number-state")]
public sealed class TicketNumberState
{
    /// <summary>The number the next ticket gets.</summary>
    [Id(0)] public long Next { get; set; } = TicketNumbers.First;

    /// <summary>The ticket id reserved for <see cref="Next"/> while its creation is in flight; null otherwise.</summary>
    [Id(1)] public string? PendingTicketId { get; set; }
}

/// <summary>
/// Creates every ticket, one at a time, so numbers are sequential without gaps or duplicates:
/// validate (creation cannot then fail on input), persist a reservation (number + ticket id),
/// create the ticket with that number, then persist the advanced counter. If a crash or timeout
/// leaves a reservation behind, the next call settles it first: the ticket exists, so its number
/// is consumed; or it does not, so the number is given to the next ticket. The ticket grain
/// serializes calls, so the existence check runs after any create still in progress there.
/// </summary>
public sealed class TicketNumberGrain(
    [PersistentState(TicketStorage.TicketNumbers, StorageNames.Crm)] IPersistentState<TicketNumberState> counter,
    IGrainFactory grains,
    ITicketQueries tickets,
    TimeProvider clock,
    IOptions<TicketSlaOptions> sla,
    IOptions<TicketQuotaOptions> quotas) : Grain, ITicketNumberGrain
{
    public async Task<CommandResult<TicketDto>> CreateTicketAsync(NewTicket ticket, Actor actor)
    {
        // Validation first: the same rules the ticket grain applies, so a reserved number is not refused later.
        var check = TicketRules.Create(ticket, counter.State.Next, actor, Timestamps.Now(clock), sla.Value);
        if (!check.IsSuccess)
        {
            return check.Error!;
        }

        await SettlePendingAsync();

        // Creations run one at a time here, so the count cannot be raced by the same client's parallel requests.
        if (TicketRules.IsClient(actor) && ticket.RequesterId is { } requester &&
            await tickets.CountOpenAsync(requester) >= quotas.Value.MaxOpenTicketsPerClient)
        {
            return CommandError.Conflict(
                $"You already have {quotas.Value.MaxOpenTicketsPerClient} open tickets (the most a client may have); " +
                "close or resolve one before opening another.");
        }

        var id = Guid.CreateVersion7().ToString();
        var number = counter.State.Next;
        await SaveAsync(number, id);

        var created = await grains.Reference<ITicketGrain>(id).CreateAsync(number, ticket, actor);
        // Consumed when created; released (same Next) if the ticket grain refused after all.
        await SaveAsync(created.IsSuccess ? number + 1 : number, null);
        return created;
    }

    private async Task SettlePendingAsync()
    {
        if (counter.State.PendingTicketId is not { } pending)
        {
            return;
        }

        var exists = await grains.Reference<ITicketGrain>(pending).GetAsync(Actor.System) is not null;
        await SaveAsync(exists ? counter.State.Next + 1 : counter.State.Next, null);
    }

    private Task SaveAsync(long next, string? pendingTicketId) =>
        counter.ReplaceAsync(new TicketNumberState { Next = next, PendingTicketId = pendingTicketId }, DeactivateOnIdle);
}
