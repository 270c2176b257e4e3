using Microsoft.Extensions.Logging;

namespace CrmChatbot.Common;

/// <summary>
/// Base of every grain that is the single writer of one CRM entity. It owns the persistence
/// protocol all kinds share: optimistic versions (the HTTP ETag), and a timeline entry for every
/// change, stored in the same write as the state (an outbox) and appended to the timeline store
/// right after, so no acknowledged change is missing from the history. A grain storage that can
/// commit the outbox into the timeline in the same transaction (the embedded store) does so and
/// hands the state back with an empty outbox: then there is nothing left to append.
/// </summary>
public abstract partial class EntityGrain<TState> : Grain
    where TState : class, IEntityState, new()
{
    private readonly IPersistentState<TState> _entity;
    private readonly ITimelineStore _timeline;
    private readonly ILogger _logger;

    protected EntityGrain(IPersistentState<TState> entity, ITimelineStore timeline, TimeProvider clock, ILogger logger)
    {
        _entity = entity;
        _timeline = timeline;
        Clock = clock;
        _logger = logger;
    }

    /// <summary>The kind as URLs and timelines name it: lead, ticket, meeting, campaign.</summary>
    protected abstract string EntityKind { get; }

    protected TimeProvider Clock { get; }

    protected string Id => this.GetPrimaryKeyString();

    protected bool Exists => _entity.RecordExists;

    protected TState Current => _entity.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Entries persisted with the state but not yet appended (the store failed, or the silo died).
        await FlushTimelineAsync();
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
    protected async Task CommitAsync(TState next, Actor actor, string action, string? note = null, IReadOnlyList<FieldChange>? changes = null)
    {
        var entry = NewEntry(actor, action, note, changes ?? TimelineDiff.Between(Exists ? Current : null, next));
        next.Version = (Exists ? Current.Version : 0) + 1;
        entry.Version = next.Version;
        next.PendingTimeline = [.. Exists ? Current.PendingTimeline : [], entry];
        await _entity.ReplaceAsync(next, DeactivateOnIdle);
        await FlushTimelineAsync();
    }

    /// <summary>Deletes the entity; the timeline keeps a "deleted" entry.</summary>
    protected async Task DeleteEntityAsync(Actor actor)
    {
        var entry = NewEntry(actor, "deleted", null, []);
        entry.Version = Current.Version + 1;
        await _timeline.AppendAsync([.. Current.PendingTimeline, entry]);
        await _entity.ClearStateAsync();
        DeactivateOnIdle();
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

    private async Task FlushTimelineAsync()
    {
        if (!Exists || Current.PendingTimeline.Count == 0)
        {
            return;
        }

        try
        {
            await _timeline.AppendAsync(Current.PendingTimeline);
            // Cleared in memory only: the next write stores the empty outbox; a re-append is a no-op.
            Current.PendingTimeline = [];
        }
        catch (Exception ex) when (ex is StorageUnavailableException or TimeoutException)
        {
            LogFlushDeferred(_logger, EntityKind, Id, ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Timeline of {Kind} {Id} not appended yet ({Reason}); kept in the state and retried")]
    private static partial void LogFlushDeferred(ILogger logger, string kind, string id, string reason);
}
