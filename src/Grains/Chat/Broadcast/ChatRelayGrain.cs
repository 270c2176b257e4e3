using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace CrmChatbot.Chat.Broadcast;

/// <summary>
/// This silo's end of the chat broadcast: pushes updates published on other silos to the live
/// clients connected here, and passes account-change notices (<see cref="ClusterUserAccountChanges"/>)
/// to them. Not reentrant, so updates reach the clients in the order they arrived.
/// </summary>
[SiloPinnedPlacement, Immovable]
public sealed class ChatRelayGrain(IServiceProvider services, ILogger<ChatRelayGrain> logger) : Grain, IChatRelayGrain
{
    /// <summary>A stuck client connection must not hold up every later update for this silo.</summary>
    public static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(5);

    private readonly IChatLiveClients? _clients = services.GetService<IChatLiveClients>();
    private readonly IUserAccountWatcher? _watcher = services.GetService<IUserAccountWatcher>();

    public async Task RelayAsync(IReadOnlyList<ChatLiveUpdate> updates)
    {
        if (_clients is null)
        {
            return;
        }

        foreach (var update in updates)
        {
            using var timeout = new CancellationTokenSource(PushTimeout);
            try
            {
                await _clients.PushAsync(update, timeout.Token);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The sender has moved on; say it here and carry on with the next update.
                logger.LogWarning(ex, "Pushing a live update of chat session {SessionId} to this silo's clients failed", update.SessionId);
            }
        }
    }

    public async Task RelayAccountChangesAsync(IReadOnlyList<string> emailKeys)
    {
        if (_watcher is null)
        {
            return;
        }

        foreach (var emailKey in emailKeys.Distinct(StringComparer.Ordinal))
        {
            using var timeout = new CancellationTokenSource(PushTimeout);
            try
            {
                await _watcher.AccountChangedAsync(emailKey, timeout.Token);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogWarning(ex, "Applying an account change of {EmailKey} to this silo's live connections failed", emailKey);
            }
        }
    }
}
