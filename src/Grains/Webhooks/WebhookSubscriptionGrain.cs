using CrmChatbot.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Webhooks;

[GenerateSerializer, Alias("crm.webhook-queued")]
public sealed class QueuedWebhookEvent
{
    [Id(0)] public WebhookEvent Event { get; set; } = new("", "", "", "");
    [Id(1)] public int Attempts { get; set; }
    [Id(2)] public DateTime? FirstFailureAt { get; set; }
    [Id(3)] public DateTime? NextAttemptAt { get; set; }
}

[GenerateSerializer, Alias("crm.webhook-subscription-state")]
public sealed class WebhookSubscriptionState
{
    /// <summary>Events not delivered yet, in the order they are sent (the head blocks the rest: order per entity).</summary>
    [Id(0)] public List<QueuedWebhookEvent> Queue { get; set; } = [];

    /// <summary>The last attempts, oldest first (capped at <see cref="WebhookOptions.LogSize"/>).</summary>
    [Id(1)] public List<WebhookDeliveryDto> Log { get; set; } = [];

    /// <summary>The last delivered or given-up events, for replay (capped at <see cref="WebhookSubscriptionGrain.ReplayableEvents"/>).</summary>
    [Id(2)] public List<WebhookEvent> Recent { get; set; } = [];
}

/// <summary>
/// Delivers one subscription's events, one at a time and in order, at least once. The queue is stored before an
/// enqueue returns; a send runs outside the grain's turns (its outcome comes back through
/// <see cref="CompleteAsync"/>), so enqueues never wait for a slow receiver. Failed sends are retried with exponential
/// backoff and jitter: a timer for the exact time, and a durable reminder that revives the grain after a restart
/// while events wait. Past the retry window the subscription is marked failing; 410 Gone switches it off.
/// </summary>
public sealed partial class WebhookSubscriptionGrain(
    [PersistentState("webhook_deliveries", StorageNames.Crm)] IPersistentState<WebhookSubscriptionState> state,
    WebhookSender sender,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookSubscriptionGrain> logger) : Grain, IWebhookSubscriptionGrain, IRemindable
{
    public const string RetryReminder = "webhook_retry";

    public const int ReplayableEvents = 50;

    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private string? _sending;
    private IGrainTimer? _retryTimer;
    private bool _reminderOn;

    private string Id => this.GetPrimaryKeyString();

    private List<QueuedWebhookEvent> Queue => state.State.Queue;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _reminderOn = await this.GetReminder(RetryReminder) is not null;
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task EnqueueAsync(IReadOnlyList<WebhookEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        // Events queued, or delivered lately (a dispatcher that died before removing its batch hands it on again).
        var queued = Queue.Select(q => q.Event.Id).Concat(state.State.Recent.Select(e => e.Id)).ToHashSet(StringComparer.Ordinal);
        var fresh = events.Where(e => queued.Add(e.Id)).ToList();
        var room = options.Value.MaxPending - Queue.Count;
        if (fresh.Count > room)
        {
            LogBacklogFull(logger, Id, fresh.Count - Math.Max(room, 0));
            fresh = fresh.Take(Math.Max(room, 0)).ToList();
            await Registry.MarkFailingAsync(Id, $"{options.Value.MaxPending} events wait undelivered; newer events are dropped until the receiver takes them");
        }

        if (fresh.Count == 0)
        {
            return;
        }

        Queue.AddRange(fresh.Select(e => new QueuedWebhookEvent { Event = e }));
        await state.WriteStateAsync();
        await EnsureReminderAsync();
        await PumpAsync();
    }

    public Task<WebhookDeliveries> DeliveriesAsync(int limit) =>
        Task.FromResult(new WebhookDeliveries([.. Enumerable.Reverse(state.State.Log).Take(limit)], Queue.Count));

    public async Task<WebhookDeliveryDto> TestAsync()
    {
        var ping = WebhookPayload.Ping(Id, Timestamps.Now(clock));
        var target = await Registry.TargetAsync(Id);
        var result = target is null
            ? new WebhookSendResult(null, 0, "the subscription is gone")
            : await sender.SendAsync(target.Url, target.Secrets, ping);
        var delivery = Record(ping, 1, result, result.Delivered ? DeliveryOutcome.Delivered : DeliveryOutcome.Failed);
        Remember(ping);
        await state.WriteStateAsync();
        return delivery;
    }

    public async Task<bool> ReplayAsync(string deliveryId)
    {
        var delivery = state.State.Log.FirstOrDefault(d => d.Id == deliveryId);
        var replayed = delivery is null
            ? null
            : state.State.Recent.FirstOrDefault(e => e.Id == delivery.EventId) ?? Queue.FirstOrDefault(q => q.Event.Id == delivery.EventId)?.Event;
        if (replayed is null)
        {
            return false;
        }

        if (Queue.All(q => q.Event.Id != replayed.Id))
        {
            Queue.Add(new QueuedWebhookEvent { Event = replayed });
            await state.WriteStateAsync();
            await EnsureReminderAsync();
        }

        await PumpAsync();
        return true;
    }

    public Task KickAsync()
    {
        // An admin resumed the subscription: the head starts a fresh retry window.
        if (Queue.Count > 0 && _sending is null)
        {
            Queue[0].FirstFailureAt = null;
            Queue[0].NextAttemptAt = null;
        }

        return PumpAsync();
    }

    public Task ResetAsync() => ForgetAsync();

    /// <summary>Drops the queue, the log and the reminder: the subscription is gone.</summary>
    private async Task ForgetAsync()
    {
        _retryTimer?.Dispose();
        _retryTimer = null;
        await state.ClearStateAsync();
        state.State = new WebhookSubscriptionState();
        if (await this.GetReminder(RetryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminderOn = false;
        DeactivateOnIdle();
    }

    public async Task CompleteAsync(string eventId, WebhookSendResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (_sending != eventId)
        {
            return; // a send of an earlier activation: this one sends the event itself
        }

        _sending = null;
        var index = Queue.FindIndex(q => q.Event.Id == eventId);
        if (index < 0)
        {
            await PumpAsync();
            return;
        }

        var queued = Queue[index];
        queued.Attempts++;
        var now = Timestamps.Now(clock);
        if (result.Delivered)
        {
            Queue.RemoveAt(index);
            Record(queued.Event, queued.Attempts, result, DeliveryOutcome.Delivered);
            Remember(queued.Event);
        }
        else if (result.StatusCode == 410)
        {
            Record(queued.Event, queued.Attempts, result, DeliveryOutcome.Failed);
            await state.WriteStateAsync();
            await Registry.DisableAsync(Id, $"the receiver answered 410 Gone to event {queued.Event.Id} ({queued.Event.Type}); switched off");
            return;
        }
        else
        {
            queued.FirstFailureAt ??= now;
            if (WebhookRules.GiveUp(queued.FirstFailureAt.Value, now, options.Value))
            {
                Record(queued.Event, queued.Attempts, result, DeliveryOutcome.Failed);
                queued.FirstFailureAt = null;
                queued.NextAttemptAt = null;
                await state.WriteStateAsync();
                await Registry.MarkFailingAsync(Id,
                    $"event {queued.Event.Id} ({queued.Event.Type}) not delivered after {queued.Attempts} attempts over " +
                    $"{options.Value.RetryWindow.TotalHours:0.##} h; last error: {result.Error}. Delivery resumes when the webhook is updated.");
                return;
            }

            queued.NextAttemptAt = now + WebhookRules.RetryDelay(queued.Attempts, options.Value, Random.Shared.NextDouble());
            Record(queued.Event, queued.Attempts, result, DeliveryOutcome.Retrying);
        }

        await state.WriteStateAsync();
        await PumpAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => reminderName == RetryReminder ? OnReminderAsync() : Task.CompletedTask;

    private async Task OnReminderAsync()
    {
        if (Queue.Count == 0 && _sending is null)
        {
            if (await this.GetReminder(RetryReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminderOn = false;
            return;
        }

        await PumpAsync();
    }

    private IWebhookRegistryGrain Registry => GrainFactory.GetGrain<IWebhookRegistryGrain>(0);

    /// <summary>Starts the send of the head of the queue when it is due and nothing is in flight.</summary>
    private async Task PumpAsync()
    {
        if (_sending is not null || Queue.Count == 0)
        {
            return;
        }

        var target = await Registry.TargetAsync(Id);
        if (target is null)
        {
            // Deleted (events that were on their way when it was): nothing to keep, no reminder left behind.
            await ForgetAsync();
            return;
        }

        if (!target.Delivering)
        {
            return; // paused (failing) or switched off: the queue waits for an update
        }

        var head = Queue[0];
        var wait = head.NextAttemptAt is { } due ? due - Timestamps.Now(clock) : TimeSpan.Zero;
        if (wait > TimeSpan.Zero)
        {
            _retryTimer?.Dispose();
            _retryTimer = this.RegisterGrainTimer(_ => PumpAsync(), wait, Timeout.InfiniteTimeSpan);
            return;
        }

        _sending = head.Event.Id;
        var self = this.AsReference<IWebhookSubscriptionGrain>();
        var webhookEvent = head.Event;
        // Outside the grain's turn: a slow receiver holds no call of this grain, nor of any other.
        _ = Task.Run(async () =>
        {
            var result = await sender.SendAsync(target.Url, target.Secrets, webhookEvent);
            try
            {
                await self.CompleteAsync(webhookEvent.Id, result);
            }
            catch (Exception ex)
            {
                // The event stays queued: the next activation (reminder, restart) sends it again.
                LogCompletionLost(logger, Id, webhookEvent.Id, ex.GetType().Name);
            }
        });
    }

    private async Task EnsureReminderAsync()
    {
        if (!_reminderOn)
        {
            await this.RegisterOrUpdateReminder(RetryReminder, ReminderPeriod, ReminderPeriod);
            _reminderOn = true;
        }
    }

    private WebhookDeliveryDto Record(WebhookEvent webhookEvent, int attempt, WebhookSendResult result, DeliveryOutcome outcome)
    {
        var delivery = new WebhookDeliveryDto(
            Guid.CreateVersion7().ToString("N"), webhookEvent.Id, webhookEvent.Type, attempt, Timestamps.Now(clock),
            result.StatusCode, result.LatencyMs, result.Error, outcome);
        var log = state.State.Log;
        log.Add(delivery);
        if (log.Count > options.Value.LogSize)
        {
            log.RemoveRange(0, log.Count - options.Value.LogSize);
        }

        return delivery;
    }

    private void Remember(WebhookEvent webhookEvent)
    {
        var recent = state.State.Recent;
        recent.RemoveAll(e => e.Id == webhookEvent.Id);
        recent.Add(webhookEvent);
        if (recent.Count > ReplayableEvents)
        {
            recent.RemoveRange(0, recent.Count - ReplayableEvents);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Webhook {Id}: backlog full, {Dropped} events dropped")]
    private static partial void LogBacklogFull(ILogger logger, string id, int dropped);

    [LoggerMessage(LogLevel.Warning, "Webhook {Id}: the outcome of sending {EventId} did not reach the grain ({Reason}); it is sent again")]
    private static partial void LogCompletionLost(ILogger logger, string id, string eventId, string reason);
}
