using CrmChatbot.Common;
using CrmChatbot.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Chat.Broadcast;

/// <summary>
/// Passes the user grain's "this account may have changed" (<see cref="IUserAccountChanges"/>) on to the
/// live connections of every silo (<see cref="IUserAccountWatcher"/>): this silo's at once, every other
/// active silo's through its <see cref="IChatRelayGrain"/>, the same way live chat updates travel.
/// So a deactivated, deleted or re-roled account loses its hub connections wherever they are.
/// </summary>
public sealed class ClusterUserAccountChanges : IUserAccountChanges, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly ILogger<ClusterUserAccountChanges> _logger;
    private readonly SiloFanOut<string> _otherSilos;

    public ClusterUserAccountChanges(
        IServiceProvider services, IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails localSilo,
        ILogger<ClusterUserAccountChanges> logger)
    {
        _services = services;
        _logger = logger;
        _otherSilos = new SiloFanOut<string>(
            membership, localSilo, (silo, keys) => grains.Reference<IChatRelayGrain>(ClusterChatBroadcast.RelayKey(silo)).RelayAccountChangesAsync(keys),
            key => "an account-change notice for " + key, logger);
    }

    /// <summary>Called by the user grain inside its turn: never waits.</summary>
    public void Changed(string emailKey)
    {
        _otherSilos.Enqueue(emailKey);
        if (_services.GetService<IUserAccountWatcher>() is { } watcher)
        {
            // On the thread pool, after the grain's turn: the watcher reads the account from that very grain.
            _ = Task.Run(async () =>
            {
                try
                {
                    await watcher.AccountChangedAsync(emailKey);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    _logger.LogWarning(ex, "Applying an account change of {EmailKey} to this silo's live connections failed", emailKey);
                }
            });
        }
    }

    public ValueTask DisposeAsync() => _otherSilos.DisposeAsync();
}
