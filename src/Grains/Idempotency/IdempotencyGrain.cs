using Microsoft.Extensions.Options;

namespace CrmChatbot.Idempotency;

public sealed class IdempotencyGrain(
    [PersistentState(IdempotencyStorage.Records, Common.StorageNames.Crm)] IPersistentState<IdempotencyState> stored,
    IOptions<IdempotencyOptions> options) : Grain, IIdempotencyGrain
{
    /// <summary>A first run that neither completes nor abandons (its silo died) frees the key after this.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private (string Fingerprint, DateTimeOffset Until)? _running;

    private DateTime Now()
    {
        // Milliseconds, as both stores keep them.
        var now = options.Value.Clock.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }

    public async Task<IdempotencyDecision> BeginAsync(string fingerprint)
    {
        var now = Now();
        if (stored.RecordExists)
        {
            if (stored.State.Response is not null && now < stored.State.Expiry())
            {
                return stored.State.Fingerprint == fingerprint
                    ? new IdempotencyDecision(IdempotencyOutcome.Replay, stored.State.Response)
                    : new IdempotencyDecision(IdempotencyOutcome.Mismatch);
            }

            // Expired: the key starts afresh. The purge may have deleted the record already; then this deletes nothing.
            await stored.ClearStateAsync();
        }

        if (_running is { } running && running.Until > now)
        {
            return new IdempotencyDecision(running.Fingerprint == fingerprint ? IdempotencyOutcome.InProgress : IdempotencyOutcome.Mismatch);
        }

        _running = (fingerprint, now + Lease);
        return new IdempotencyDecision(IdempotencyOutcome.Proceed);
    }

    public async Task CompleteAsync(string fingerprint, StoredResponse response)
    {
        _running = null;
        var now = Now();
        stored.State = new IdempotencyState
        {
            Fingerprint = fingerprint,
            Response = response,
            CreatedAt = now,
            ExpiresAt = now + options.Value.Retention,
        };
        await stored.WriteStateAsync();
    }

    public Task AbandonAsync(string fingerprint)
    {
        if (_running?.Fingerprint == fingerprint)
        {
            _running = null;
        }

        return Task.CompletedTask;
    }
}
