using CrmChatbot.Common;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// An entity's state and its timeline entries on MongoDB, without multi-document transactions: the entries are
/// stored in the state's outbox (<see cref="IEntityState.PendingTimeline"/>) in the same document write as the
/// change, then appended to the timeline collection. An append that fails (store unavailable) leaves them in the
/// outbox: they are appended on the next write or activation (appending is idempotent), so no acknowledged change
/// is missing from the history. The state is stored as it is: rows of other collections (a ticket's comments)
/// are the grain's to append.
/// </summary>
public sealed partial class MongoEntityStore(
    MongoGrainStorage storage, ITimelineStore timeline, ILogger<MongoEntityStore> logger) : IEntityStore
{
    public async Task ReadAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state)
        where TState : class, IEntityState, new()
    {
        await storage.ReadStateAsync(stateName, grainId, state).ConfigureAwait(false);
        if (state.RecordExists)
        {
            // Entries stored with the state but not appended yet (the store failed, or the silo died).
            await FlushAsync(stateName, grainId, state.State!).ConfigureAwait(false);
        }
    }

    public async Task WriteAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries)
        where TState : class, IEntityState, new()
    {
        var entity = state.State ?? throw new ArgumentException("The state to write is null.", nameof(state));
        var outbox = entity.PendingTimeline;
        entity.PendingTimeline = [.. outbox, .. entries];
        try
        {
            await storage.WriteStateAsync(stateName, grainId, state).ConfigureAwait(false);
        }
        catch
        {
            entity.PendingTimeline = outbox;
            throw;
        }

        await FlushAsync(stateName, grainId, entity).ConfigureAwait(false);
    }

    public async Task DeleteAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries)
        where TState : class, IEntityState, new()
    {
        // The history first: once the document is gone, its outbox would be gone too.
        await timeline.AppendAsync([.. state.State?.PendingTimeline ?? [], .. entries]).ConfigureAwait(false);
        await storage.ClearStateAsync(stateName, grainId, state).ConfigureAwait(false);
    }

    private async Task FlushAsync(string stateName, GrainId grainId, IEntityState state)
    {
        if (state.PendingTimeline.Count == 0)
        {
            return;
        }

        try
        {
            // Cleared in memory only: the next write stores the empty outbox; a re-append is a no-op.
            await timeline.AppendAsync(state.PendingTimeline).ConfigureAwait(false);
            state.PendingTimeline = [];
        }
        catch (Exception ex) when (ex is StorageUnavailableException or TimeoutException)
        {
            LogFlushDeferred(logger, stateName, grainId.ToString(), ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Timeline of {Collection} {Id} not appended yet ({Reason}); kept in the state and retried")]
    private static partial void LogFlushDeferred(ILogger logger, string collection, string id, string reason);
}
