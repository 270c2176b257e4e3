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
    /// <summary>
    /// Only in states stored before the queue moved to <see cref="IWebhookQueue"/>: moved there on activation.
    /// Empty otherwise (the queue is never kept in this document: it would be rewritten per event).
    /// </summary>
    [Id(0)] public List<QueuedWebhookEvent> Queue { get; set; } = [];

    /// <summary>The last attempts, oldest first (capped at <see cref="WebhookOptions.LogSize"/>).</summary>
    [Id(1)] public List<WebhookDeliveryDto> Log { get; set; } = [];

    /// <summary>The last delivered or given-up events, for replay (capped at <see cref="WebhookSubscriptionGrain.ReplayableEvents"/>).</summary>
    [Id(2)] public List<WebhookEvent> Recent { get; set; } = [];

    /// <summary>The retry schedule of the head of the queue (null: no failed attempt yet, or nothing queued).</summary>
    [Id(3)] public QueuedWebhookEvent? Head { get; set; }
}

/// <summary>
/// Delivers one subscription's events, one at a time and in order, at least once. The events wait in the store's
/// queue (<see cref="IWebhookQueue"/>), appended before an enqueue returns and removed once delivered; the grain keeps
/// only the head of it in memory, and its own document (the head's retry schedule, the log) stays small, so a
/// backlog of any length costs the same per event and nothing is dropped. A send runs outside the grain's turns (its
/// outcome comes back through <see cref="CompleteAsync"/>), so enqueues never wait for a slow receiver. Failed sends
/// are retried with exponential backoff and jitter: a timer for the exact time, and a durable reminder that revives
/// the grain after a restart while events wait. Past the retry window the subscription is marked failing (its events
/// stay queued); 410 Gone switches it off and drops its queue.
/// </summary>
public sealed partial class WebhookSubscriptionGrain(
    [PersistentState("webhook_deliveries", StorageNames.Crm)] IPersistentState<WebhookSubscriptionState> state,
    IWebhookQueue queue,
    WebhookSender sender,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookSubscriptionGrain> logger) : Grain, IWebhookSubscriptionGrain, IRemindable
{
    public const string RetryReminder = "webhook_retry";

    public const int ReplayableEvents = 50;

    /// <summary>Events read from the store at a time: the in-memory window at the head of the queue.</summary>
    internal const int WindowSize = 100;

    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    /// <summary>The oldest pending events, in order (a prefix of the stored queue; reloaded when used up).</summary>
    private readonly Queue<WebhookEvent> _window = new();

    private string? _sending;
    private IGrainTimer? _retryTimer;
    private bool _reminderOn;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _reminderOn = await this.GetReminder(RetryReminder) is not null;
        if (state.State.Queue.Count > 0)
        {
            // A state written before the queue moved to the store: its events go there, in order, with the head's schedule.
            var legacy = state.State.Queue;
            await queue.AppendAsync(Id, [.. legacy.Select(q => q.Event)], cancellationToken);
            state.State.Head ??= legacy[0].Attempts > 0 ? legacy[0] : null;
            state.State.Queue = [];
            await state.WriteStateAsync(cancellationToken);
            await EnsureReminderAsync(); // it delivers them from its next tick on
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public async Task EnqueueAsync(IReadOnlyList<WebhookEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        // Events delivered lately are skipped (a dispatcher that died before removing its batch hands it on again);
        // events still queued are skipped by the store.
        var recent = state.State.Recent.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var fresh = events.Where(e => !recent.Contains(e.Id)).ToList();
        if (fresh.Count == 0 || await queue.AppendAsync(Id, fresh) == 0)
        {
            return;
        }

        await EnsureReminderAsync();
        await PumpAsync();
    }

    public async Task<WebhookDeliveries> DeliveriesAsync(int limit) =>
        new([.. Enumerable.Reverse(state.State.Log).Take(limit)], (int)Math.Min(int.MaxValue, await queue.CountAsync(Id)));

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
            : state.State.Recent.FirstOrDefault(e => e.Id == delivery.EventId) ?? _window.FirstOrDefault(e => e.Id == delivery.EventId);
        if (replayed is null)
        {
            return false;
        }

        // At the end of the queue; an event still queued stays where it is.
        if (await queue.AppendAsync(Id, [replayed]) > 0)
        {
            await EnsureReminderAsync();
        }

        await PumpAsync();
        return true;
    }

    public Task KickAsync()
    {
        // An admin resumed the subscription: the head starts a fresh retry window.
        if (_sending is null && state.State.Head is { } head)
        {
            head.FirstFailureAt = null;
            head.NextAttemptAt = null;
        }

        return PumpAsync();
    }

    public Task ResetAsync() => ForgetAsync();

    /// <summary>Drops the queue, the log and the reminder: the subscription is gone.</summary>
    private async Task ForgetAsync()
    {
        _retryTimer?.Dispose();
        _retryTimer = null;
        _window.Clear();
        await queue.DeleteAllAsync(Id);
        await state.ClearStateAsync();
        state.State = new WebhookSubscriptionState();
        await DropReminderAsync();
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
        if (!_window.TryPeek(out var webhookEvent) || webhookEvent.Id != eventId)
        {
            await PumpAsync(); // the queue was dropped meanwhile
            return;
        }

        var head = HeadSchedule(webhookEvent);
        head.Attempts++;
        var now = Timestamps.Now(clock);
        if (result.Delivered)
        {
            // Out of the store first: a crash before the log is written sends it again (at least once), never loses it.
            await queue.RemoveAsync(Id, [eventId]);
            _window.Dequeue();
            state.State.Head = null;
            Record(webhookEvent, head.Attempts, result, DeliveryOutcome.Delivered);
            Remember(webhookEvent);
        }
        else if (result.StatusCode == 410)
        {
            // The receiver says it is gone for good: the subscription is switched off and its queue dropped.
            Record(webhookEvent, head.Attempts, result, DeliveryOutcome.Failed);
            Remember(webhookEvent);
            state.State.Head = null;
            _window.Clear();
            await queue.DeleteAllAsync(Id);
            await state.WriteStateAsync();
            await Registry.DisableAsync(Id, $"the receiver answered 410 Gone to event {webhookEvent.Id} ({webhookEvent.Type}); switched off, its queued events dropped");
            return;
        }
        else
        {
            head.FirstFailureAt ??= now;
            if (WebhookRules.GiveUp(head.FirstFailureAt.Value, now, options.Value))
            {
                Record(webhookEvent, head.Attempts, result, DeliveryOutcome.Failed);
                head.FirstFailureAt = null;
                head.NextAttemptAt = null;
                await state.WriteStateAsync();
                await Registry.MarkFailingAsync(Id,
                    $"event {webhookEvent.Id} ({webhookEvent.Type}) not delivered after {head.Attempts} attempts over " +
                    $"{options.Value.RetryWindow.TotalHours:0.##} h; last error: {result.Error}. Delivery resumes when the webhook is updated.");
                return;
            }

            head.NextAttemptAt = now + WebhookRules.RetryDelay(head.Attempts, options.Value, Random.Shared.NextDouble());
            Record(webhookEvent, head.Attempts, result, DeliveryOutcome.Retrying);
        }

        await state.WriteStateAsync();
        await PumpAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => reminderName == RetryReminder ? OnReminderAsync() : Task.CompletedTask;

    private async Task OnReminderAsync()
    {
        if (_sending is null && _window.Count == 0 && await queue.CountAsync(Id) == 0)
        {
            await DropReminderAsync();
            return;
        }

        await PumpAsync();
    }

    private IWebhookRegistryGrain Registry => GrainFactory.GetGrain<IWebhookRegistryGrain>(0);

    /// <summary>The retry schedule of the head of the queue (a fresh one when the head changed).</summary>
    private QueuedWebhookEvent HeadSchedule(WebhookEvent head)
    {
        if (state.State.Head is not { } schedule || schedule.Event.Id != head.Id)
        {
            schedule = new QueuedWebhookEvent { Event = new WebhookEvent(head.Id, head.Type, head.EntityKey, "") }; // the body stays in the queue
            state.State.Head = schedule;
        }

        return schedule;
    }

    /// <summary>Starts the send of the head of the queue when it is due and nothing is in flight.</summary>
    private async Task PumpAsync()
    {
        if (_sending is not null)
        {
            return;
        }

        if (_window.Count == 0)
        {
            foreach (var queued in await queue.ReadAsync(Id, WindowSize))
            {
                _window.Enqueue(queued.Event);
            }

            if (_window.Count == 0)
            {
                return;
            }
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

        var head = _window.Peek();
        var wait = HeadSchedule(head).NextAttemptAt is { } due ? due - Timestamps.Now(clock) : TimeSpan.Zero;
        if (wait > TimeSpan.Zero)
        {
            _retryTimer?.Dispose();
            _retryTimer = this.RegisterGrainTimer(_ => PumpAsync(), wait, Timeout.InfiniteTimeSpan);
            return;
        }

        _sending = head.Id;
        var self = this.AsReference<IWebhookSubscriptionGrain>();
        var webhookEvent = head;
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

    private async Task DropReminderAsync()
    {
        if (await this.GetReminder(RetryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminderOn = false;
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

    [LoggerMessage(LogLevel.Warning, "Webhook {Id}: the outcome of sending {EventId} did not reach the grain ({Reason}); it is sent again")]
    private static partial void LogCompletionLost(ILogger logger, string id, string eventId, string reason);
}
