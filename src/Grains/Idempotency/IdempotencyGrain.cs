using CrmChatbot.Common;

namespace CrmChatbot.Idempotency;

[GenerateSerializer, Alias("crm.idempotency-state")]
public sealed class IdempotencyState
{
    [Id(0)] public string Fingerprint { get; set; } = "";
    [Id(1)] public StoredResponse? Response { get; set; }
    [Id(2)] public DateTime CreatedAt { get; set; }
}

public sealed class IdempotencyGrain(
    [PersistentState("idempotency", StorageNames.Crm)] IPersistentState<IdempotencyState> stored,
    TimeProvider clock) : Grain, IIdempotencyGrain
{
    /// <summary>How long a key is remembered; a later use starts afresh.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>A first run that neither completes nor abandons (its silo died) frees the key after this.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private (string Fingerprint, DateTimeOffset Until)? _running;

    public Task<IdempotencyDecision> BeginAsync(string fingerprint)
    {
        var now = clock.GetUtcNow();
        if (stored.RecordExists && stored.State.Response is not null && now - stored.State.CreatedAt < Retention)
        {
            return Task.FromResult(stored.State.Fingerprint == fingerprint
                ? new IdempotencyDecision(IdempotencyOutcome.Replay, stored.State.Response)
                : new IdempotencyDecision(IdempotencyOutcome.Mismatch));
        }

        if (_running is { } running && running.Until > now)
        {
            return Task.FromResult(new IdempotencyDecision(
                running.Fingerprint == fingerprint ? IdempotencyOutcome.InProgress : IdempotencyOutcome.Mismatch));
        }

        _running = (fingerprint, now + Lease);
        return Task.FromResult(new IdempotencyDecision(IdempotencyOutcome.Proceed));
    }

    public async Task CompleteAsync(string fingerprint, StoredResponse response)
    {
        _running = null;
        stored.State = new IdempotencyState { Fingerprint = fingerprint, Response = response, CreatedAt = Timestamps.Now(clock) };
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
