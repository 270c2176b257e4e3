using CrmChatbot.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Webhooks;

/// <summary>
/// Moves events from the store's outbox to the subscriptions: reads the oldest entries, queues each subscription's
/// matches in its grain (stored there), then removes them from the outbox. A failure leaves the batch in the outbox
/// for the next round (subscriptions skip events they hold already), so nothing acknowledged is lost. One activation
/// (key 0) polls with a timer; a durable reminder and every silo start wake it, and it resumes every subscription.
/// </summary>
public sealed partial class WebhookDispatcherGrain(
    IEventOutbox outbox, IOptions<WebhookOptions> options, ILogger<WebhookDispatcherGrain> logger) : Grain, IWebhookDispatcherGrain, IRemindable
{
    public const string KeepAliveReminder = "webhook_dispatch";

    private const int BatchSize = 200;

    private IGrainTimer? _poll;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await this.RegisterOrUpdateReminder(KeepAliveReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        _poll = this.RegisterGrainTimer(
            _ => DrainAsync(), new GrainTimerCreationOptions(options.Value.PollInterval, options.Value.PollInterval) { KeepAlive = true });

        // After a restart the subscriptions' queued events and retries resume now, not at their next reminder tick.
        var registry = GrainFactory.GetGrain<IWebhookRegistryGrain>(0);
        foreach (var route in await registry.RoutesAsync())
        {
            await GrainFactory.Reference<IWebhookSubscriptionGrain>(route.Id).KickAsync();
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public Task WakeAsync() => DrainAsync();

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask; // it only keeps the grain alive

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                var batch = await outbox.ReadAsync(BatchSize);
                if (batch.Count == 0)
                {
                    return;
                }

                var events = batch.Select(WebhookPayload.From).ToList();
                var routes = await GrainFactory.GetGrain<IWebhookRegistryGrain>(0).RoutesAsync();
                await Task.WhenAll(routes.Select(route =>
                {
                    var matching = events.Where(e => WebhookRules.Matches(route.Events, e.Type)).ToList();
                    return matching.Count == 0 ? Task.CompletedTask : GrainFactory.Reference<IWebhookSubscriptionGrain>(route.Id).EnqueueAsync(matching);
                }));
                await outbox.RemoveAsync([.. batch.Select(e => e.Id)]);
                if (batch.Count < BatchSize)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDrainFailed(logger, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Webhook events stay in the outbox until the next round: {Error}: {Message}")]
    private static partial void LogDrainFailed(ILogger logger, string error, string message);
}
