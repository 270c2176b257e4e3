namespace CrmChatbot.Common;

/// <summary>
/// The state of an entity whose writes also append rows of another append-only collection (a ticket's comments, a
/// chat session's archived messages), as every entity's writes append timeline entries. The rows are given to the
/// entity store with the write (<see cref="IEntityStore.WriteAsync{TState, TRow}"/>), which stores them with the state
/// the same way it stores the write's timeline entries; <see cref="PendingRows"/> is their outbox, the counterpart of
/// <see cref="IEntityState.PendingTimeline"/>: rows stored with the state and not yet appended (MongoDB, between the
/// document write and the append; empty once read or written through the store).
/// </summary>
public interface IAppendsRows<TRow> : IEntityState
    where TRow : class
{
    List<TRow> PendingRows { get; set; }
}

/// <summary>
/// An append-only collection: rows are added, never rewritten, and each has a stable id, so appending a row that is
/// already stored changes nothing (an outbox may append the same rows again).
/// </summary>
public interface IAppendOnlyRows<in TRow>
{
    Task AppendAsync(IReadOnlyList<TRow> rows, CancellationToken cancellationToken = default);
}
