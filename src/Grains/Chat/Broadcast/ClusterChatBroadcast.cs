using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Chat.Broadcast;

/// <summary>
/// Fans a live update out to every active silo without a backplane: this silo's clients directly,
/// every other silo through its <see cref="IChatRelayGrain"/>, via a <see cref="SiloRelayOutbox"/> per
/// silo. Membership comes from Orleans itself, so there is nothing to register or refresh: a silo that
/// joins is included from its first membership update, and a dead one is dropped as soon as it is
/// declared dead (until then its outbox just fills and gives up, without delaying anyone). Each silo
/// receives an update at most once and each client is connected to one silo, so no client hears it twice.
/// </summary>
public sealed class ClusterChatBroadcast(
    IServiceProvider services, IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails localSilo,
    ILogger<ClusterChatBroadcast> logger) : IChatBroadcast, IAsyncDisposable
{
    private readonly IChatLiveClients? _localClients = services.GetService<IChatLiveClients>();
    private readonly ConcurrentDictionary<SiloAddress, SiloRelayOutbox> _outboxes = new();
    private readonly Lock _lock = new();
    private MembershipVersion _seenVersion = MembershipVersion.MinValue;

    public async Task PublishAsync(ChatLiveUpdate update, CancellationToken cancellationToken = default)
    {
        var snapshot = membership.CurrentSnapshot;
        ForgetDepartedSilos(snapshot);
        foreach (var member in snapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active && !member.SiloAddress.Equals(localSilo.SiloAddress))
            {
                OutboxFor(member.SiloAddress).Enqueue(update);
            }
        }

        if (_localClients is not null)
        {
            await _localClients.PushAsync(update, cancellationToken);
        }
    }

    /// <summary>The relay key of a silo: its parsable address (endpoint and generation).</summary>
    public static string RelayKey(SiloAddress silo) => silo.ToParsableString();

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

    private SiloRelayOutbox OutboxFor(SiloAddress silo)
    {
        if (_outboxes.TryGetValue(silo, out var outbox))
        {
            return outbox;
        }

        // Under the lock, so no second send loop is ever started for the same silo.
        lock (_lock)
        {
            return _outboxes.GetOrAdd(silo, address => new SiloRelayOutbox(address, grains, logger));
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
