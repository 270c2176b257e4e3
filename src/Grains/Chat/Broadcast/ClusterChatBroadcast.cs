using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Chat.Broadcast;

/// <summary>
/// Fans a live update out to every active silo without a backplane: this silo's clients directly,
/// every other silo through its <see cref="IChatRelayGrain"/> (one-way). Membership comes from
/// Orleans itself, so there is nothing to register or refresh, a silo that joins is included from its
/// first membership update, and a dead one is left out as soon as it is declared dead (until then its
/// one-way messages are simply lost, without delaying anyone). Each silo receives an update once and
/// each client is connected to one silo, so each client hears it exactly once.
/// </summary>
public sealed class ClusterChatBroadcast(
    IServiceProvider services, IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails localSilo,
    ILogger<ClusterChatBroadcast> logger) : IChatBroadcast
{
    private readonly IChatLiveClients? _localClients = services.GetService<IChatLiveClients>();

    public async Task PublishAsync(ChatLiveUpdate update, CancellationToken cancellationToken = default)
    {
        // Remote silos first: sending returns at once, and their pushes run alongside ours.
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active && !member.SiloAddress.Equals(localSilo.SiloAddress))
            {
                Send(member.SiloAddress, update);
            }
        }

        if (_localClients is not null)
        {
            await _localClients.PushAsync(update, cancellationToken);
        }
    }

    /// <summary>The relay key of a silo: its parsable address (endpoint and generation).</summary>
    public static string RelayKey(SiloAddress silo) => silo.ToParsableString();

    private void Send(SiloAddress silo, ChatLiveUpdate update)
    {
        try
        {
            var sent = grains.GetGrain<IChatRelayGrain>(RelayKey(silo)).RelayAsync(update);
            if (!sent.IsCompletedSuccessfully)
            {
                _ = sent.ContinueWith(
                    (task, state) => LogFailure((SiloAddress)state!, update.SessionId, task.Exception),
                    silo, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Never fail the publisher's request over another silo.
            LogFailure(silo, update.SessionId, ex);
        }
    }

    private void LogFailure(SiloAddress silo, string sessionId, Exception? exception) =>
        logger.LogWarning(exception, "Relaying a live update of chat session {SessionId} to silo {Silo} failed", sessionId, silo);
}
