using CrmChatbot.Api.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Api.Health;

/// <summary>
/// On SIGTERM the host first signals ApplicationStopping (readiness turns false), then runs every
/// hosted service's <see cref="StoppingAsync"/> before any StopAsync. Waiting here for
/// SHUTDOWN_DRAIN_SECONDS keeps the listener open while a load balancer notices the failed readiness
/// probe; then Kestrel stops accepting, finishes in-flight requests, and the silo leaves the cluster.
/// </summary>
public sealed partial class ShutdownDrain(CrmSettings settings, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (settings.ShutdownDrainSeconds <= 0)
        {
            return;
        }

        LogDraining(logger, settings.ShutdownDrainSeconds);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(settings.ShutdownDrainSeconds), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out: stop now.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: not ready; serving for {Seconds} s more before closing the listener")]
    private static partial void LogDraining(ILogger logger, int seconds);
}
