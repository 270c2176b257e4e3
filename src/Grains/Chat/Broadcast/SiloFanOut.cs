using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Chat.Broadcast;

/// <summary>
/// Sends items to every OTHER active silo without a backplane, one <see cref="SiloRelayOutbox{T}"/> per
/// silo. Membership comes from Orleans itself, so there is nothing to register or refresh: a silo that
/// joins is included from its first membership update, and a dead one is dropped as soon as it is
/// declared dead (until then its outbox just fills and gives up, without delaying anyone). Each silo
/// receives an item at most once. Shared by the chat broadcast and the account-change notices.
/// </summary>
public sealed class SiloFanOut<T>(
    IClusterMembershipService membership, ILocalSiloDetails localSilo,
    Func<SiloAddress, IReadOnlyList<T>, Task> send, Func<T, string> describe, ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<SiloAddress, SiloRelayOutbox<T>> _outboxes = new();
    private readonly Lock _lock = new();
    private MembershipVersion _seenVersion = MembershipVersion.MinValue;

    /// <summary>Queues the item for every other active silo; never waits.</summary>
    public void Enqueue(T item)
    {
        var snapshot = membership.CurrentSnapshot;
        ForgetDepartedSilos(snapshot);
        foreach (var member in snapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active && !member.SiloAddress.Equals(localSilo.SiloAddress))
            {
                OutboxFor(member.SiloAddress).Enqueue(item);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _outboxes.Keys)
        {
            if (_outboxes.TryRemove(silo, out var outbox))
            {
                await outbox.DisposeAsync();
            }
        }
    }

    private SiloRelayOutbox<T> OutboxFor(SiloAddress silo)
    {
        if (_outboxes.TryGetValue(silo, out var outbox))
        {
            return outbox;
        }

        // Under the lock, so no second send loop is ever started for the same silo.
        lock (_lock)
        {
            return _outboxes.GetOrAdd(silo, address => new SiloRelayOutbox<T>(address, items => send(address, items), describe, logger));
        }
    }

    /// <summary>Once per membership change: stops the outboxes of silos that are no longer active.</summary>
    private void ForgetDepartedSilos(ClusterMembershipSnapshot snapshot)
    {
        lock (_lock)
        {
            if (snapshot.Version <= _seenVersion)
            {
                return;
            }

            _seenVersion = snapshot.Version;
        }

        foreach (var silo in _outboxes.Keys)
        {
            if (snapshot.GetSiloStatus(silo) != SiloStatus.Active && _outboxes.TryRemove(silo, out var outbox))
            {
                _ = outbox.DisposeAsync().AsTask();
            }
        }
    }
}
