using CrmChatbot.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Chat.Broadcast;

/// <summary>
/// Fans a live update out to every active silo without a backplane: this silo's clients directly,
/// every other silo through its <see cref="IChatRelayGrain"/>, via a <see cref="SiloFanOut{T}"/>. Each
/// silo receives an update at most once and each client is connected to one silo, so no client hears
/// it twice.
/// </summary>
public sealed class ClusterChatBroadcast : IChatBroadcast, IAsyncDisposable
{
    private readonly IChatLiveClients? _localClients;
    private readonly SiloFanOut<ChatLiveUpdate> _otherSilos;

    public ClusterChatBroadcast(
        IServiceProvider services, IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails localSilo,
        ILogger<ClusterChatBroadcast> logger)
    {
        _localClients = services.GetService<IChatLiveClients>();
        _otherSilos = new SiloFanOut<ChatLiveUpdate>(
            membership, localSilo, (silo, updates) => grains.Reference<IChatRelayGrain>(RelayKey(silo)).RelayAsync(updates),
            update => "a live update of chat session " + update.SessionId, logger);
    }

    public async Task PublishAsync(ChatLiveUpdate update, CancellationToken cancellationToken = default)
    {
        _otherSilos.Enqueue(update);
        if (_localClients is not null)
        {
            await _localClients.PushAsync(update, cancellationToken);
        }
    }

    /// <summary>The relay key of a silo: its parsable address (endpoint and generation).</summary>
    public static string RelayKey(SiloAddress silo) => silo.ToParsableString();

    public ValueTask DisposeAsync() => _otherSilos.DisposeAsync();
}
