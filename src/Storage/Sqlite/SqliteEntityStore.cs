using CrmChatbot.Common;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// An entity's state and the rows that belong to its write (timeline entries, and the rows of an
/// <see cref="IAppendsRows{TRow}"/> state: a ticket's comments, a chat session's archived messages) in ONE SQLite
/// transaction (a write of the store's writer): the history and the rows never lag the state, and a write that cannot
/// store one of them stores nothing. The state is stored with empty outboxes: rows a stored state still carries (a
/// document of an older build) are appended on its read, or commit with its next write.
/// </summary>
public sealed class SqliteEntityStore : IEntityStore
{
    private readonly SqliteGrainStorage _storage;
    private readonly SqliteRowSets _rowSets;

    public SqliteEntityStore(SqliteGrainStorage storage)
        : this(storage, SqliteRowSets.Tables)
    {
    }

    /// <summary>Over other tables than the store's own (tests: a table whose insert fails).</summary>
    internal SqliteEntityStore(SqliteGrainStorage storage, SqliteRowSets rowSets)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(rowSets);
        _storage = storage;
        _rowSets = rowSets;
    }

    public async Task ReadAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state)
        where TState : class, IEntityState, new()
    {
        await _storage.ReadStateAsync(stateName, grainId, state).ConfigureAwait(false);
        if (state.RecordExists && state.State!.PendingTimeline.Count > 0)
        {
            await CompleteOutboxAsync(state.State, null).ConfigureAwait(false);
        }
    }

    public async Task ReadAsync<TState, TRow>(string stateName, GrainId grainId, IGrainState<TState> state)
        where TState : class, IAppendsRows<TRow>, new()
        where TRow : class
    {
        await _storage.ReadStateAsync(stateName, grainId, state).ConfigureAwait(false);
        if (!state.RecordExists || state.State!.PendingTimeline.Count + state.State.PendingRows.Count == 0)
        {
            return;
        }

        var entity = state.State;
        var set = _rowSets.Of<TRow>();
        var rows = set.ToRows(entity.PendingRows);
        await CompleteOutboxAsync(entity, rows.Count == 0 ? null : session => set.Insert(session, rows)).ConfigureAwait(false);
        entity.PendingRows = [];
    }

    public Task WriteAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries)
        where TState : class, IEntityState, new() =>
        WriteAsync(stateName, grainId, state, entries, null);

    public async Task WriteAsync<TState, TRow>(
        string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries, IReadOnlyList<TRow> rows)
        where TState : class, IAppendsRows<TRow>, new()
        where TRow : class
    {
        ArgumentNullException.ThrowIfNull(rows);
        var entity = state.State ?? throw new ArgumentException("The state to write is null.", nameof(state));
        var outbox = entity.PendingRows;
        IReadOnlyList<TRow> all = outbox.Count == 0 ? rows : [.. outbox, .. rows];
        if (all.Count == 0)
        {
            await WriteAsync(stateName, grainId, state, entries, null).ConfigureAwait(false);
            return;
        }

        var set = _rowSets.Of<TRow>();
        var prepared = set.ToRows(all);
        if (outbox.Count > 0)
        {
            entity.PendingRows = [];
        }

        try
        {
            await WriteAsync(stateName, grainId, state, entries, session => set.Insert(session, prepared)).ConfigureAwait(false);
        }
        catch
        {
            entity.PendingRows = outbox;
            throw;
        }
    }

    public Task DeleteAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries)
        where TState : class, IEntityState, new()
    {
        var outbox = state.State?.PendingTimeline ?? [];
        return _storage.ClearAsync(stateName, grainId, state, outbox.Count == 0 ? entries : [.. outbox, .. entries]);
    }

    /// <summary>The state with its timeline entries and the rows of <paramref name="alongside"/>, in one transaction.</summary>
    private async Task WriteAsync<TState>(
        string stateName, GrainId grainId, IGrainState<TState> state, IReadOnlyList<TimelineEntry> entries, Action<SqliteSession>? alongside)
        where TState : class, IEntityState, new()
    {
        var entity = state.State ?? throw new ArgumentException("The state to write is null.", nameof(state));
        var outbox = entity.PendingTimeline;
        if (outbox.Count > 0)
        {
            entity.PendingTimeline = [];
        }

        try
        {
            await _storage.WriteAsync(stateName, grainId, state, outbox.Count == 0 ? entries : [.. outbox, .. entries], alongside).ConfigureAwait(false);
        }
        catch
        {
            entity.PendingTimeline = outbox;
            throw;
        }
    }

    /// <summary>
    /// Appends what a stored state still holds in its outboxes (a document of an older build) in one transaction; a
    /// failure fails the read. Cleared in memory only: the next write stores the empty outboxes (a re-append is a no-op).
    /// </summary>
    private async Task CompleteOutboxAsync(IEntityState entity, Action<SqliteSession>? rows)
    {
        await _storage.AppendAsync(entity.PendingTimeline, rows).ConfigureAwait(false);
        entity.PendingTimeline = [];
    }
}
