using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace CrmChatbot.Chat.Broadcast;

/// <summary>This silo's end of the account-change notices (<see cref="ClusterUserAccountChanges"/>).</summary>
[SiloPinnedPlacement, Immovable]
public sealed class UserAccountRelayGrain(IServiceProvider services, ILogger<UserAccountRelayGrain> logger) : Grain, IUserAccountRelayGrain
{
    private readonly IUserAccountWatcher? _watcher = services.GetService<IUserAccountWatcher>();

    public async Task RelayAsync(IReadOnlyList<string> emailKeys)
    {
        if (_watcher is null)
        {
            return;
        }

        foreach (var emailKey in emailKeys.Distinct(StringComparer.Ordinal))
        {
            using var timeout = new CancellationTokenSource(ChatRelayGrain.PushTimeout);
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
