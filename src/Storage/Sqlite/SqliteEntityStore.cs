using CrmChatbot.Common;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// An entity's state and its timeline entries in ONE SQLite transaction (a write of the store's writer): the
/// history never lags the state and an acknowledged change always has its entry. The state is stored with an
/// empty outbox; entries a state still carries (none on this store) commit with the next change. The state is
/// stored as it is: rows of other collections (a ticket's comments) are the grain's to append.
/// </summary>
public sealed class SqliteEntityStore(SqliteGrainStorage storage) : IEntityStore
{
    public Task ReadAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state)
        where TState : class, IEntityState, new() =>
        storage.ReadStateAsync(stateName, grainId, state);

    public Task WriteAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries)
        where TState : class, IEntityState, new() =>
        WriteAsync(stateName, grainId, state, entries, null);

    /// <summary>The same, also running <paramref name="alongside"/> in the write's transaction (rows stored with the change).</summary>
    internal async Task WriteAsync<TState>(
        string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries, Action<SqliteSession>? alongside)
        where TState : class, IEntityState, new()
    {
        var entity = state.State ?? throw new ArgumentException("The state to write is null.", nameof(state));
        var outbox = entity.PendingTimeline;
        entity.PendingTimeline = [];
        try
        {
            await storage.WriteAsync(stateName, grainId, state, [.. outbox, .. entries], alongside).ConfigureAwait(false);
        }
        catch
        {
            entity.PendingTimeline = outbox;
            throw;
        }
    }

    public Task DeleteAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries)
        where TState : class, IEntityState, new() =>
        storage.ClearAsync(stateName, grainId, state, [.. state.State?.PendingTimeline ?? [], .. entries]);
}
