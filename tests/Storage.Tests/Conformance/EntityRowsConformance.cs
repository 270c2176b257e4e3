using CrmChatbot.Common;
using CrmChatbot.Tickets;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Conformance;

/// <summary>
/// The rows that belong to an entity's write, on every backend (<see cref="IEntityStore"/> with an
/// <see cref="IAppendsRows{TRow}"/> state; a ticket and its comments here): they are stored with the state and its
/// timeline entries, a refused write stores none of them, a document an older build left with full outboxes has them
/// appended on its next read (once), and a failing append either takes the state down with it (a store that writes
/// them in the state's transaction) or is completed from the document's outbox on the next read (one that appends
/// them after the write).
/// </summary>
public abstract class EntityRowsConformance
{
    private static readonly DateTime At = new(2026, 12, 6, 12, 0, 0, 123, DateTimeKind.Utc);

    /// <summary>The backend's entity store, with its ticket comment collection.</summary>
    protected abstract IEntityStore Entities { get; }

    /// <summary>The same backend's entity store, over the same database, whose ticket comment appends fail.</summary>
    protected abstract IEntityStore EntitiesWithFailingComments { get; }

    protected abstract ITicketCommentStore Comments { get; }

    protected abstract ITimelineStore Timeline { get; }

    /// <summary>The backend's plain grain storage: documents as stored, outboxes included (what an older build wrote).</summary>
    protected abstract IGrainStorage Documents { get; }

    /// <summary>True when the rows commit in the state's own transaction; false when they are appended after it from the document's outbox.</summary>
    protected abstract bool WritesRowsInTheStatesTransaction { get; }

    private static GrainId Ticket(string id) => GrainId.Create("ticket", id);

    private static TicketComment Comment(string ticketId, long seq) => TicketCommentStoreConformance.Comment(ticketId, seq);

    private static TimelineEntry Entry(string ticketId, long version, string action = "commented") => new()
    {
        Id = Guid.NewGuid().ToString(),
        EntityKind = "ticket",
        EntityId = ticketId,
        Version = version,
        At = At.AddSeconds(version),
        Action = action,
    };

    private static GrainState<TicketState> State(long version, long comments = 0) =>
        new(new TicketState { Number = 1000 + version, Subject = "s", Version = version, CommentCount = comments });

    private async Task<TicketState?> StoredAsync(string id)
    {
        var stored = new GrainState<TicketState>(new TicketState());
        await Documents.ReadStateAsync(TicketStorage.Tickets, Ticket(id), stored);
        return stored.RecordExists ? stored.State : null;
    }

    private async Task<IReadOnlyList<string>> CommentIdsAsync(string id) =>
        [.. (await Comments.ListAsync(id, includeInternal: true, 50, 0)).Items.Select(c => c.Id)];

    private async Task<IReadOnlyList<string>> TimelineIdsAsync(string id) =>
        [.. (await Timeline.ListAsync("ticket", id, 50, 0)).Items.Select(e => e.Id)];

    [Fact]
    public async Task A_write_stores_its_rows_and_entries_with_the_state_and_the_next_write_keeps_none_of_them()
    {
        var id = Guid.NewGuid().ToString();
        var state = State(1, comments: 2);
        var rows = new[] { Comment(id, 1), Comment(id, 2) };
        var created = Entry(id, 1, "created");

        await Entities.WriteAsync(TicketStorage.Tickets, Ticket(id), state, [created], rows);

        Assert.Equal(rows.Select(r => r.Id), await CommentIdsAsync(id));
        Assert.Equal([created.Id], await TimelineIdsAsync(id));
        Assert.Empty(state.State.PendingComments);
        Assert.Empty(state.State.PendingTimeline);

        // A change without rows appends none, and its document holds none of the earlier write's rows or entries.
        state.State.Version = 2;
        var updated = Entry(id, 2, "updated");
        await Entities.WriteAsync(TicketStorage.Tickets, Ticket(id), state, [updated], Array.Empty<TicketComment>());
        var read = new GrainState<TicketState>(new TicketState());
        await Entities.ReadAsync<TicketState, TicketComment>(TicketStorage.Tickets, Ticket(id), read);

        Assert.Equal(2, read.State.Version);
        Assert.Equal(rows.Select(r => r.Id), await CommentIdsAsync(id));
        Assert.Equal([updated.Id, created.Id], await TimelineIdsAsync(id));
        var stored = (await StoredAsync(id))!;
        Assert.Empty(stored.PendingComments);
        Assert.DoesNotContain(created.Id, stored.PendingTimeline.Select(e => e.Id));
    }

    [Fact]
    public async Task A_refused_write_stores_neither_the_state_nor_its_rows_nor_its_entries()
    {
        var id = Guid.NewGuid().ToString();
        await Entities.WriteAsync(TicketStorage.Tickets, Ticket(id), State(1), [Entry(id, 1, "created")], Array.Empty<TicketComment>());

        var stale = State(2, comments: 1);
        stale.ETag = "stale";
        stale.RecordExists = true;
        var refused = Entry(id, 2);
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => Entities.WriteAsync(TicketStorage.Tickets, Ticket(id), stale, [refused], [Comment(id, 1)]));

        Assert.Empty(await CommentIdsAsync(id));
        Assert.DoesNotContain(refused.Id, await TimelineIdsAsync(id));
        Assert.Empty(stale.State.PendingComments); // not left for a later write either
        Assert.Equal(1, (await StoredAsync(id))!.Version);
    }

    /// <summary>
    /// What the previous builds stored: a ticket whose comment and timeline outboxes still hold rows (MongoDB after a
    /// failed append; the embedded store kept a ticket's appended comments in its document until the next write). The
    /// read appends them, once, and the next write stores the document without them.
    /// </summary>
    [Fact]
    public async Task Rows_an_older_build_left_in_the_documents_outboxes_are_appended_on_the_next_read_once()
    {
        var id = Guid.NewGuid().ToString();
        var pending = Comment(id, 1);
        var entry = Entry(id, 1);
        var old = State(1, comments: 1);
        old.State.PendingComments = [pending];
        old.State.PendingTimeline = [entry];
        await Documents.WriteStateAsync(TicketStorage.Tickets, Ticket(id), old);
        Assert.Empty(await CommentIdsAsync(id));

        var read = new GrainState<TicketState>(new TicketState());
        await Entities.ReadAsync<TicketState, TicketComment>(TicketStorage.Tickets, Ticket(id), read);

        Assert.Equal([pending.Id], await CommentIdsAsync(id));
        Assert.Equal([entry.Id], await TimelineIdsAsync(id));
        Assert.Empty(read.State.PendingComments);
        Assert.Empty(read.State.PendingTimeline);

        // Another activation before any write reads the same outbox again: nothing doubles.
        var again = new GrainState<TicketState>(new TicketState());
        await Entities.ReadAsync<TicketState, TicketComment>(TicketStorage.Tickets, Ticket(id), again);
        Assert.Single(await CommentIdsAsync(id));
        Assert.Single(await TimelineIdsAsync(id));

        again.State.Version = 2;
        await Entities.WriteAsync(TicketStorage.Tickets, Ticket(id), again, [], Array.Empty<TicketComment>());
        var stored = (await StoredAsync(id))!;
        Assert.Empty(stored.PendingComments);
        Assert.Empty(stored.PendingTimeline);
        Assert.Single(await CommentIdsAsync(id));
    }

    [Fact]
    public async Task A_failing_row_append_takes_the_write_down_in_its_transaction_or_is_completed_from_the_outbox_on_the_next_read()
    {
        var id = Guid.NewGuid().ToString();
        var state = State(1, comments: 1);
        var comment = Comment(id, 1);
        var created = Entry(id, 1, "created");

        if (WritesRowsInTheStatesTransaction)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => EntitiesWithFailingComments.WriteAsync(TicketStorage.Tickets, Ticket(id), state, [created], [comment]));

            // Nothing of the write is stored: not the state, not its entry, not the rows inserted before the failure.
            Assert.Null(await StoredAsync(id));
            Assert.Empty(await TimelineIdsAsync(id));
            Assert.Empty(await CommentIdsAsync(id));
            Assert.Empty(state.State.PendingComments);
            Assert.False(state.RecordExists);
            return;
        }

        // The write is acknowledged: the document holds the comment in its outbox, the entry (its own outbox) is appended.
        await EntitiesWithFailingComments.WriteAsync(TicketStorage.Tickets, Ticket(id), state, [created], [comment]);

        Assert.True(state.RecordExists);
        Assert.Equal([comment.Id], state.State.PendingComments.Select(c => c.Id));
        Assert.Equal([comment.Id], (await StoredAsync(id))!.PendingComments.Select(c => c.Id));
        Assert.Equal([created.Id], await TimelineIdsAsync(id));
        Assert.Empty(await CommentIdsAsync(id));

        // A read that still cannot append fails (a reader never misses a stored row); the next one completes the outbox.
        await Assert.ThrowsAnyAsync<Exception>(
            () => EntitiesWithFailingComments.ReadAsync<TicketState, TicketComment>(TicketStorage.Tickets, Ticket(id), new GrainState<TicketState>(new TicketState())));
        var read = new GrainState<TicketState>(new TicketState());
        await Entities.ReadAsync<TicketState, TicketComment>(TicketStorage.Tickets, Ticket(id), read);

        Assert.Equal([comment.Id], await CommentIdsAsync(id));
        Assert.Empty(read.State.PendingComments);
        await Entities.ReadAsync<TicketState, TicketComment>(TicketStorage.Tickets, Ticket(id), new GrainState<TicketState>(new TicketState()));
        Assert.Single(await CommentIdsAsync(id));
        Assert.Single(await TimelineIdsAsync(id));
    }

    /// <summary>
    /// The outbox is kept by the write that failed to append, and appended by the next write of the same state (the
    /// grain stays active), with that write's own rows; none twice.
    /// </summary>
    [Fact]
    public async Task Rows_still_in_the_outbox_are_appended_with_the_next_write()
    {
        var id = Guid.NewGuid().ToString();
        var old = State(1, comments: 1);
        var pending = Comment(id, 1);
        old.State.PendingComments = [pending];
        await Documents.WriteStateAsync(TicketStorage.Tickets, Ticket(id), old);
        Assert.Empty(await CommentIdsAsync(id));

        old.State.Version = 2;
        old.State.CommentCount = 2;
        var next = Comment(id, 2);
        await Entities.WriteAsync(TicketStorage.Tickets, Ticket(id), old, [Entry(id, 2)], [next]);

        Assert.Equal([pending.Id, next.Id], await CommentIdsAsync(id));
        Assert.Empty(old.State.PendingComments);
        await Entities.ReadAsync<TicketState, TicketComment>(TicketStorage.Tickets, Ticket(id), new GrainState<TicketState>(new TicketState()));
        Assert.Equal(2, (await Comments.ListAsync(id, includeInternal: true, 50, 0)).Total);
    }
}
