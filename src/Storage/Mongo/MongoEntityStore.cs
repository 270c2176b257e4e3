using CrmChatbot.Common;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// An entity's state and the rows that belong to its write on MongoDB, without multi-document transactions: ONE
/// outbox mechanism for all of them. The write's timeline entries and the rows of an <see cref="IAppendsRows{TRow}"/>
/// state (a ticket's comments, a chat session's archived messages; <see cref="AppendOnlyCollections"/>) are stored in the
/// state's outboxes (<see cref="IEntityState.PendingTimeline"/>, <see cref="IAppendsRows{TRow}.PendingRows"/>) by the same
/// document write as the change, then appended to their collections (rows first). The write is acknowledged once
/// the document is stored: an append that fails then is logged and its rows stay in the outbox
/// (<see cref="AppendAfterWriteAsync{TRow}"/>), appended by the next write or read. A read completes the outboxes before it returns and fails when it cannot. Appends are
/// idempotent (rows are upserted by their ids), so appending again what the document still holds adds nothing.
/// </summary>
public sealed partial class MongoEntityStore(
    MongoGrainStorage storage, ITimelineStore timeline, AppendOnlyCollections collections, ILogger<MongoEntityStore> logger) : IEntityStore
{
    /// <summary>A store whose states append no rows besides their timeline entries.</summary>
    public MongoEntityStore(MongoGrainStorage storage, ITimelineStore timeline, ILogger<MongoEntityStore> logger)
        : this(storage, timeline, new AppendOnlyCollections(), logger)
    {
    }

    public async Task ReadAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state)
        where TState : class, IEntityState, new()
    {
        await storage.ReadStateAsync(stateName, grainId, state).ConfigureAwait(false);
        await CompleteTimelineAsync(state).ConfigureAwait(false);
    }

    public async Task ReadAsync<TState, TRow>(string stateName, GrainId grainId, IGrainState<TState> state)
        where TState : class, IAppendsRows<TRow>, new()
        where TRow : class
    {
        await storage.ReadStateAsync(stateName, grainId, state).ConfigureAwait(false);
        if (state.RecordExists && state.State!.PendingRows.Count > 0)
        {
            // Rows stored with the state but not appended yet (the store failed, or the silo died).
            await collections.Of<TRow>().AppendAsync(state.State.PendingRows).ConfigureAwait(false);
            state.State.PendingRows = [];
        }

        await CompleteTimelineAsync(state).ConfigureAwait(false);
    }

    public async Task WriteAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries)
        where TState : class, IEntityState, new()
    {
        var entity = state.State ?? throw new ArgumentException("The state to write is null.", nameof(state));
        var outbox = WithEntries(entity, entries);
        try
        {
            await storage.WriteStateAsync(stateName, grainId, state).ConfigureAwait(false);
        }
        catch
        {
            entity.PendingTimeline = outbox;
            throw;
        }

        if (await AppendAfterWriteAsync(timeline, entity.PendingTimeline, stateName, grainId).ConfigureAwait(false))
        {
            entity.PendingTimeline = [];
        }
    }

    public async Task WriteAsync<TState, TRow>(
        string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries, IReadOnlyList<TRow> rows)
        where TState : class, IAppendsRows<TRow>, new()
        where TRow : class
    {
        ArgumentNullException.ThrowIfNull(rows);
        var entity = state.State ?? throw new ArgumentException("The state to write is null.", nameof(state));
        var outbox = WithEntries(entity, entries);
        var rowOutbox = entity.PendingRows;
        if (rows.Count > 0)
        {
            entity.PendingRows = [.. rowOutbox, .. rows];
        }

        try
        {
            await storage.WriteStateAsync(stateName, grainId, state).ConfigureAwait(false);
        }
        catch
        {
            entity.PendingTimeline = outbox;
            entity.PendingRows = rowOutbox;
            throw;
        }

        // The rows first: an entry's event never announces a row that is not there yet.
        if (await AppendAfterWriteAsync(collections.Of<TRow>(), entity.PendingRows, stateName, grainId).ConfigureAwait(false))
        {
            entity.PendingRows = [];
        }

        if (await AppendAfterWriteAsync(timeline, entity.PendingTimeline, stateName, grainId).ConfigureAwait(false))
        {
            entity.PendingTimeline = [];
        }
    }

    public async Task DeleteAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries)
        where TState : class, IEntityState, new()
    {
        // The history first: once the document is gone, its outbox would be gone too.
        await timeline.AppendAsync([.. state.State?.PendingTimeline ?? [], .. entries]).ConfigureAwait(false);
        await storage.ClearStateAsync(stateName, grainId, state).ConfigureAwait(false);
    }

    /// <summary>Appends the entries a read state still holds (the store failed, or the silo died); a failure fails the read.</summary>
    private async Task CompleteTimelineAsync<TState>(IGrainState<TState> state)
        where TState : class, IEntityState, new()
    {
        if (state.RecordExists && state.State!.PendingTimeline.Count > 0)
        {
            await timeline.AppendAsync(state.State.PendingTimeline).ConfigureAwait(false);
            state.State.PendingTimeline = [];
        }
    }

    /// <summary>Puts the write's entries in the timeline outbox of the state to store; returns the outbox as it was (restored when the write fails).</summary>
    private static List<TimelineEntry> WithEntries(IEntityState entity, IReadOnlyList<TimelineEntry> entries)
    {
        var outbox = entity.PendingTimeline;
        if (entries.Count > 0)
        {
            entity.PendingTimeline = [.. outbox, .. entries];
        }

        return outbox;
    }

    /// <summary>
    /// Appends an outbox after its write was stored: true when its rows are appended (the caller empties the outbox in
    /// memory; the next write stores it empty). The write is acknowledged, so nothing an append throws may turn it into
    /// a failure (a caller retrying it would add its rows again, with new ids): every failure but a cancellation is
    /// logged and the rows stay in the outbox, appended by the next write or read. This is the one place that decides.
    /// </summary>
    private async Task<bool> AppendAfterWriteAsync<TRow>(IAppendOnlyRows<TRow> collection, List<TRow> outbox, string stateName, GrainId grainId)
    {
        if (outbox.Count == 0)
        {
            return false;
        }

        try
        {
            await collection.AppendAsync(outbox).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAppendDeferred(logger, typeof(TRow).Name, stateName, grainId.ToString(), ex.GetType().Name + ": " + ex.Message);
            return false;
        }
    }

    [LoggerMessage(LogLevel.Warning, "{Rows} rows of {Collection} {Id} not appended yet ({Reason}); kept in its outbox and retried")]
    private static partial void LogAppendDeferred(ILogger logger, string rows, string collection, string id, string reason);
}
