using Microsoft.Extensions.Logging;

namespace CrmChatbot.Common;

/// <summary>
/// Base of every grain that is the single writer of one CRM entity. It owns the persistence
/// protocol all kinds share: optimistic versions (the HTTP ETag), and a timeline entry for every
/// change, committed with the state through the store's <see cref="IEntityStore"/> (one transaction on
/// the embedded store; an outbox in the document on MongoDB), so no acknowledged change is missing
/// from the history. An entity whose changes also append rows of another collection derives from
/// <see cref="EntityGrain{TState, TRow}"/>.
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
        await ReadAsync(_store, _stateName, this.GetGrainId(), _entity);
        await base.OnActivateAsync(cancellationToken);
    }

    /// <summary>Reads the state through the store (<see cref="EntityGrain{TState, TRow}"/> also completes its rows' outbox).</summary>
    private protected virtual Task ReadAsync(IEntityStore store, string stateName, GrainId grainId, IGrainState<TState> entity) =>
        store.ReadAsync(stateName, grainId, entity);

    /// <summary>Writes the state through the store (<see cref="EntityGrain{TState, TRow}"/>: with its rows' outbox).</summary>
    private protected virtual Task WriteAsync(
        IEntityStore store, string stateName, GrainId grainId, IGrainState<TState> entity, IReadOnlyList<TimelineEntry> entries) =>
        store.WriteAsync(stateName, grainId, entity, entries);

    /// <summary>
    /// The outboxes belong to the stored state: <paramref name="next"/> takes them over from <paramref name="stored"/>
    /// (null when there is none), so what a store has not appended yet stays in them.
    /// </summary>
    private protected virtual void KeepOutboxes(TState? stored, TState next) => next.PendingTimeline = stored?.PendingTimeline ?? [];

    /// <summary>A 412 error when the caller's If-Match version is not the current one.</summary>
    protected CommandError? CheckVersion(long? expectedVersion) =>
        expectedVersion is { } expected && expected != Current.Version ? CommandError.Stale(Current.Version) : null;

    /// <summary>True when <paramref name="next"/> differs from the current state in a field users see.</summary>
    protected bool Differs(TState next) => TimelineDiff.Between(Current, next).Count > 0;

    /// <summary>
    /// Persists <paramref name="next"/> as the new state with a timeline entry for the change. The
    /// field changes are computed against the current state unless given.
    /// </summary>
    protected Task CommitAsync(TState next, Actor actor, string action, string? note = null, IReadOnlyList<FieldChange>? changes = null) =>
        SaveAsync(next, [ChangeEntry(next, actor, action, note, changes)], null);

    /// <summary>Persists bookkeeping that is no change users see (same version, no timeline entry).</summary>
    protected Task SaveWithoutHistoryAsync(TState next) => SaveAsync(next, [], null);

    /// <summary>The timeline entry of a change to <paramref name="next"/>, whose version it bumps.</summary>
    private protected TimelineEntry ChangeEntry(TState next, Actor actor, string action, string? note, IReadOnlyList<FieldChange>? changes)
    {
        var entry = NewEntry(actor, action, note, changes ?? TimelineDiff.Between(Exists ? Current : null, next));
        next.Version = (Exists ? Current.Version : 0) + 1;
        entry.Version = next.Version;
        entry.Snapshot = CrmChatbot.Webhooks.WebhookJson.Serialize(ToEventData(next));
        return entry;
    }

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
    /// Writes <paramref name="next"/> with <paramref name="entries"/>, through <paramref name="write"/> when the write
    /// carries more rows (<see cref="EntityGrain{TState, TRow}"/>). If the write is not acknowledged, memory goes
    /// back to the previous state and the grain deactivates (the next call reloads what the store holds); the
    /// exception still reaches the caller.
    /// </summary>
    private protected async Task SaveAsync(
        TState next, IReadOnlyList<TimelineEntry> entries, Func<IEntityStore, string, GrainId, IGrainState<TState>, IReadOnlyList<TimelineEntry>, Task>? write)
    {
        var previous = Current;
        KeepOutboxes(Exists ? previous : null, next);
        _entity.State = next;
        try
        {
            await (write is null
                ? WriteAsync(_store, _stateName, this.GetGrainId(), _entity, entries)
                : write(_store, _stateName, this.GetGrainId(), _entity, entries));
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

/// <summary>
/// An entity grain whose changes also append rows of another collection (a ticket's comments): the rows of a change are
/// given to the entity store with its write (<see cref="IEntityStore.WriteAsync{TState, TRow}"/>), which stores them with
/// the state, and the store completes the rows' outbox when the grain activates. The grain knows no store.
/// </summary>
public abstract class EntityGrain<TState, TRow> : EntityGrain<TState>
    where TState : class, IAppendsRows<TRow>, new()
    where TRow : class
{
    protected EntityGrain(string stateName, IEntityStore store, TimeProvider clock, ILogger logger)
        : base(stateName, store, clock, logger)
    {
    }

    private protected override Task ReadAsync(IEntityStore store, string stateName, GrainId grainId, IGrainState<TState> entity) =>
        store.ReadAsync<TState, TRow>(stateName, grainId, entity);

    private protected override Task WriteAsync(
        IEntityStore store, string stateName, GrainId grainId, IGrainState<TState> entity, IReadOnlyList<TimelineEntry> entries) =>
        store.WriteAsync<TState, TRow>(stateName, grainId, entity, entries, []);

    private protected override void KeepOutboxes(TState? stored, TState next)
    {
        base.KeepOutboxes(stored, next);
        next.PendingRows = stored?.PendingRows ?? [];
    }

    /// <summary>Persists the change like <see cref="EntityGrain{TState}.CommitAsync"/>, appending <paramref name="rows"/> with it.</summary>
    protected Task CommitAsync(TState next, IReadOnlyList<TRow> rows, Actor actor, string action, string? note = null) =>
        SaveAsync(next, [ChangeEntry(next, actor, action, note, null)], Appending(rows));

    /// <summary>Persists bookkeeping that is no change users see (same version, no timeline entry), appending <paramref name="rows"/> with it.</summary>
    protected Task SaveWithoutHistoryAsync(TState next, IReadOnlyList<TRow> rows) => SaveAsync(next, [], Appending(rows));

    private static Func<IEntityStore, string, GrainId, IGrainState<TState>, IReadOnlyList<TimelineEntry>, Task> Appending(IReadOnlyList<TRow> rows) =>
        (store, stateName, grainId, entity, entries) => store.WriteAsync(stateName, grainId, entity, entries, rows);
}
