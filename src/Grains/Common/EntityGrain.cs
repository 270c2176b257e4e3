using Microsoft.Extensions.Logging;

namespace CrmChatbot.Common;

/// <summary>
/// Base of every grain that is the single writer of one CRM entity. It owns the persistence
/// protocol all kinds share: optimistic versions (the HTTP ETag), and a timeline entry for every
/// change, committed with the state through the store's <see cref="IEntityStore"/> (one transaction on
/// the embedded store; an outbox in the document on MongoDB), so no acknowledged change is missing
/// from the history.
/// </summary>
public abstract partial class EntityGrain<TState> : Grain
    where TState : class, IEntityState, new()
{
    private readonly string _stateName;
    private readonly IEntityStore _store;
    private readonly ILogger _logger;
    private readonly GrainState<TState> _entity = new(new TState());

    protected EntityGrain(string stateName, IEntityStore store, TimeProvider clock, ILogger logger)
    {
        _stateName = stateName;
        _store = store;
        Clock = clock;
        _logger = logger;
    }

    /// <summary>The kind as URLs and timelines name it: lead, ticket, meeting, campaign.</summary>
    protected abstract string EntityKind { get; }

    protected TimeProvider Clock { get; }

    /// <summary>The entity as the API shows staff (its DTO): the data of the change's webhook event.</summary>
    protected abstract object ToEventData(TState state);

    protected string Id => this.GetPrimaryKeyString();

    protected bool Exists => _entity.RecordExists;

    protected TState Current => _entity.State!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await _store.ReadAsync(_stateName, this.GetGrainId(), _entity);
        await base.OnActivateAsync(cancellationToken);
    }

    /// <summary>A 412 error when the caller's If-Match version is not the current one.</summary>
    protected CommandError? CheckVersion(long? expectedVersion) =>
        expectedVersion is { } expected && expected != Current.Version ? CommandError.Stale(Current.Version) : null;

    /// <summary>True when <paramref name="next"/> differs from the current state in a field users see.</summary>
    protected bool Differs(TState next) => TimelineDiff.Between(Current, next).Count > 0;

    /// <summary>
    /// Persists <paramref name="next"/> as the new state with a timeline entry for the change. The
    /// field changes are computed against the current state unless given.
    /// </summary>
    protected Task CommitAsync(TState next, Actor actor, string action, string? note = null, IReadOnlyList<FieldChange>? changes = null)
    {
        var entry = NewEntry(actor, action, note, changes ?? TimelineDiff.Between(Exists ? Current : null, next));
        next.Version = (Exists ? Current.Version : 0) + 1;
        entry.Version = next.Version;
        entry.Snapshot = CrmChatbot.Webhooks.WebhookJson.Serialize(ToEventData(next));
        return SaveAsync(next, [entry]);
    }

    /// <summary>Persists bookkeeping that is no change users see (same version, no timeline entry).</summary>
    protected Task SaveWithoutHistoryAsync(TState next) => SaveAsync(next, []);

    /// <summary>Deletes the entity; the timeline keeps a "deleted" entry, stored with the deletion.</summary>
    protected async Task DeleteEntityAsync(Actor actor)
    {
        var entry = NewEntry(actor, "deleted", null, []);
        entry.Version = Current.Version + 1;
        entry.Snapshot = CrmChatbot.Webhooks.WebhookJson.Serialize(ToEventData(Current)); // the last state, as it was deleted
        await _store.DeleteAsync(_stateName, this.GetGrainId(), _entity, [entry]);
        DeactivateOnIdle();
    }

    /// <summary>
    /// Writes <paramref name="next"/> with <paramref name="entries"/>. If the write is not acknowledged, memory goes
    /// back to the previous state and the grain deactivates (the next call reloads what the store holds); the
    /// exception still reaches the caller.
    /// </summary>
    private async Task SaveAsync(TState next, IReadOnlyList<TimelineEntry> entries)
    {
        var previous = Current;
        // The outbox belongs to the stored state: entries a store has not appended yet stay in it.
        next.PendingTimeline = Exists ? previous.PendingTimeline : [];
        _entity.State = next;
        try
        {
            await _store.WriteAsync(_stateName, this.GetGrainId(), _entity, entries);
        }
        catch (Exception ex)
        {
            _entity.State = previous;
            LogWriteFailed(_logger, EntityKind, Id, ex.GetType().Name);
            DeactivateOnIdle();
            throw;
        }
    }

    private TimelineEntry NewEntry(Actor actor, string action, string? note, IReadOnlyList<FieldChange> changes) => new()
    {
        Id = Guid.CreateVersion7().ToString(),
        EntityKind = EntityKind,
        EntityId = Id,
        At = Timestamps.Now(Clock),
        ActorKind = actor.Kind,
        ActorId = actor.UserId,
        ActorName = actor.Name,
        Action = action,
        Changes = [.. changes],
        Note = note,
    };

    [LoggerMessage(LogLevel.Debug, "Write of {Kind} {Id} not acknowledged ({Reason}); the grain reloads on its next call")]
    private static partial void LogWriteFailed(ILogger logger, string kind, string id, string reason);
}
