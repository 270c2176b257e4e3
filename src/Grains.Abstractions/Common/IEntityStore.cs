using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Common;

/// <summary>
/// The persistence of an entity grain (<c>EntityGrain</c>): its state and the timeline entries of each change,
/// committed together. Every store implements it explicitly: the embedded store in one transaction; MongoDB by
/// keeping the entries in the state's outbox (<see cref="IEntityState.PendingTimeline"/>), stored with the state,
/// and appending them to the timeline right after (and on the next activation when that append failed). Writes
/// are compare-and-swaps on the state's etag, as in <c>IGrainStorage</c>.
/// </summary>
public interface IEntityStore
{
    /// <summary>Reads the state into <paramref name="state"/> (a fresh state and no etag when there is none).</summary>
    Task ReadAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state)
        where TState : class, IEntityState, new();

    /// <summary>
    /// Writes <paramref name="state"/>'s state with <paramref name="entries"/>: when it returns, both are stored and the
    /// new etag is in <paramref name="state"/>. Throws (and stores neither) on a stale etag or a store failure.
    /// </summary>
    Task WriteAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries)
        where TState : class, IEntityState, new();

    /// <summary>Deletes the state (etag-checked) and stores <paramref name="entries"/> (the "deleted" entry); resets <paramref name="state"/>.</summary>
    Task DeleteAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries)
        where TState : class, IEntityState, new();
}
