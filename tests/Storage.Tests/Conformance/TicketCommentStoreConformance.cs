using CrmChatbot.Common;
using CrmChatbot.Tickets;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Tests.Conformance;

/// <summary>
/// The ticket-comment contract every backend must meet: one row per comment, listed oldest first and paged by the
/// store (clients: public ones only), appended idempotently. How a ticket's write appends them:
/// <see cref="EntityRowsConformance"/>.
/// </summary>
public abstract class TicketCommentStoreConformance
{
    private static readonly DateTime At = new(2026, 11, 26, 10, 0, 0, 123, DateTimeKind.Utc);

    protected abstract ITicketCommentStore Comments { get; }

    /// <summary>A staff member's comment <paramref name="seq"/> of a ticket (also used by <see cref="EntityRowsConformance"/>).</summary>
    internal static TicketComment Comment(string ticketId, long seq, bool isInternal = false) => new()
    {
        Id = Guid.NewGuid().ToString(),
        TicketId = ticketId,
        Seq = seq,
        AuthorId = "user-1",
        AuthorName = "Ada",
        AuthorIsStaff = true,
        Body = $"comment {seq} 漢字",
        Internal = isInternal,
        CreatedAt = At.AddSeconds(seq),
    };

    [Fact]
    public async Task Comments_round_trip_in_sequence_order_and_the_public_list_leaves_internal_notes_out()
    {
        var ticket = Guid.NewGuid().ToString();
        // Appended out of order: the sequence number orders them, not the time of the append.
        await Comments.AppendAsync([Comment(ticket, 3), Comment(ticket, 1), Comment(ticket, 2, isInternal: true), Comment(ticket, 4)]);

        var all = await Comments.ListAsync(ticket, includeInternal: true, 50, 0);
        var visible = await Comments.ListAsync(ticket, includeInternal: false, 50, 0);

        Assert.Equal([1L, 2L, 3L, 4L], all.Items.Select(c => c.Seq));
        Assert.Equal(4, all.Total);
        Assert.Equal([1L, 3L, 4L], visible.Items.Select(c => c.Seq));
        Assert.Equal(3, visible.Total);
        var first = all.Items[0];
        Assert.Equal((ticket, "user-1", "Ada", true, "comment 1 漢字", false), (first.TicketId, first.AuthorId, first.AuthorName, first.AuthorIsStaff, first.Body, first.Internal));
        Assert.Equal(At.AddSeconds(1), first.CreatedAt);
        Assert.Equal(DateTimeKind.Utc, first.CreatedAt.Kind);
        Assert.True(all.Items[1].Internal);
    }

    [Fact]
    public async Task Appending_a_comment_again_changes_nothing()
    {
        var ticket = Guid.NewGuid().ToString();
        var comment = Comment(ticket, 1);

        await Comments.AppendAsync([comment]);
        await Comments.AppendAsync([comment]);

        Assert.Equal(1, (await Comments.ListAsync(ticket, true, 50, 0)).Total);
    }

    [Fact]
    public async Task Tickets_are_kept_apart_pages_are_consistent_and_deleting_one_tickets_comments_leaves_the_others()
    {
        var ticket = Guid.NewGuid().ToString();
        var other = Guid.NewGuid().ToString();
        await Comments.AppendAsync([.. Enumerable.Range(1, 5).Select(s => Comment(ticket, s, isInternal: s == 2)), Comment(other, 1)]);

        var first = await Comments.ListAsync(ticket, true, 2, 0);
        var last = await Comments.ListAsync(ticket, true, 2, 4);
        var publicPage = await Comments.ListAsync(ticket, false, 2, 2);

        Assert.Equal((5L, 2), (first.Total, first.Next!.Value));
        Assert.Equal([1L, 2L], first.Items.Select(c => c.Seq));
        Assert.Equal([5L], last.Items.Select(c => c.Seq));
        Assert.Null(last.Next);
        Assert.Equal((4L, (int?)null), (publicPage.Total, publicPage.Next));
        Assert.Equal([4L, 5L], publicPage.Items.Select(c => c.Seq));

        await Comments.DeleteAllAsync(ticket);

        Assert.Equal(0, (await Comments.ListAsync(ticket, true, 50, 0)).Total);
        Assert.Equal(1, (await Comments.ListAsync(other, true, 50, 0)).Total);
    }
}
