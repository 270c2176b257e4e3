using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Common;

/// <summary>
/// The persistence of an entity grain (<c>EntityGrain</c>): its state and the rows that belong to each write, committed
/// together: the write's timeline entries and, for a state that appends rows of another collection
/// (<see cref="IAppendsRows{TRow}"/>: a ticket's comments, a chat session's archived messages), those rows. Every store
/// implements it explicitly and treats all of them alike: the embedded store in ONE transaction with the state;
/// MongoDB by keeping them in the state's outboxes (<see cref="IEntityState.PendingTimeline"/>,
/// <see cref="IAppendsRows{TRow}.PendingRows"/>), stored by the same document write, and appending them right after.
/// An append after an acknowledged write never fails the write: the rows stay in the outbox (logged) and are appended
/// by the next write or read. A read first completes what an earlier write left in the outboxes (on either store:
/// documents of older builds may hold some), and fails when it cannot, so a reader never misses a stored row.
/// Appends are idempotent (rows have stable ids). Writes are compare-and-swaps on the state's etag, as in
/// <c>IGrainStorage</c>.
/// </summary>
public interface IEntityStore
{
    /// <summary>Reads the state into <paramref name="state"/> (a fresh state and no etag when there is none).</summary>
    Task ReadAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state)
        where TState : class, IEntityState, new();

    /// <summary>Reads the state like <see cref="ReadAsync{TState}"/>, also completing its outbox of <typeparamref name="TRow"/> rows.</summary>
    Task ReadAsync<TState, TRow>(string stateName, GrainId grainId, IGrainState<TState> state)
        where TState : class, IAppendsRows<TRow>, new()
        where TRow : class;

    /// <summary>
    /// Writes <paramref name="state"/>'s state with <paramref name="entries"/>: when it returns, both are stored and the
    /// new etag is in <paramref name="state"/>. Throws (and stores neither) on a stale etag or a store failure.
    /// </summary>
    Task WriteAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries)
        where TState : class, IEntityState, new();

    /// <summary>
    /// Writes the state like <see cref="WriteAsync{TState}"/> and appends <paramref name="rows"/> to their collection with
    /// it: when it returns, all are stored (or, on MongoDB, the rows not appended yet are in the stored outbox). Throws
    /// (and stores none) on a stale etag or a store failure.
    /// </summary>
    Task WriteAsync<TState, TRow>(
        string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries, IReadOnlyList<TRow> rows)
        where TState : class, IAppendsRows<TRow>, new()
        where TRow : class;

    /// <summary>
    /// Deletes the state (etag-checked) and stores <paramref name="entries"/> (the "deleted" entry); resets <paramref name="state"/>.
    /// Rows of other collections still in the state's outbox are dropped with it: they are the deleted entity's, which
    /// its grain removes (a ticket's comments).
    /// </summary>
    Task DeleteAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries)
        where TState : class, IEntityState, new();
}
