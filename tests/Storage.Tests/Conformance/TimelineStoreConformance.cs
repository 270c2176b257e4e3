using CrmChatbot.Common;

namespace CrmChatbot.Storage.Tests.Conformance;

/// <summary>The timeline-store contract every backend must meet.</summary>
public abstract class TimelineStoreConformance
{
    private static readonly DateTime At = new(2026, 11, 26, 10, 0, 0, 123, DateTimeKind.Utc);

    protected abstract ITimelineStore Store { get; }

    private static TimelineEntry Entry(string entityId, long version, DateTime at, string action = "updated") => new()
    {
        Id = Guid.NewGuid().ToString(),
        EntityKind = "lead",
        EntityId = entityId,
        Version = version,
        At = at,
        ActorKind = ActorKind.User,
        ActorId = "user-1",
        ActorName = "Ada",
        Action = action,
        Changes = [new FieldChange("status", "\"new\"", "\"qualified\"")],
        Note = "note",
    };

    [Fact]
    public async Task Entries_round_trip_newest_first_and_same_millisecond_entries_follow_their_versions()
    {
        var id = Guid.NewGuid().ToString();
        // Guid ids are random within a millisecond: the version must order these, not the id.
        await Store.AppendAsync([Entry(id, 1, At, "created"), Entry(id, 2, At), Entry(id, 3, At), Entry(id, 4, At.AddMilliseconds(1))]);

        var page = await Store.ListAsync("lead", id, 50, 0);

        Assert.Equal([4L, 3L, 2L, 1L], page.Items.Select(e => e.Version));
        var first = page.Items[^1];
        Assert.Equal(("created", ActorKind.User, "user-1", "Ada", "note"), (first.Action, first.ActorKind, first.ActorId, first.ActorName, first.Note));
        Assert.Equal(At, first.At);
        Assert.Equal(DateTimeKind.Utc, first.At.Kind);
        var change = Assert.Single(first.Changes);
        Assert.Equal(("status", "\"new\"", "\"qualified\""), (change.Field, change.From, change.To));
    }

    [Fact]
    public async Task Appending_an_entry_again_changes_nothing()
    {
        var id = Guid.NewGuid().ToString();
        var entry = Entry(id, 1, At);

        await Store.AppendAsync([entry]);
        await Store.AppendAsync([entry]);

        Assert.Equal(1, (await Store.ListAsync("lead", id, 50, 0)).Total);
    }

    [Fact]
    public async Task Entities_are_kept_apart_and_pages_are_consistent()
    {
        var id = Guid.NewGuid().ToString();
        var other = Guid.NewGuid().ToString();
        await Store.AppendAsync([.. Enumerable.Range(1, 5).Select(v => Entry(id, v, At.AddSeconds(v))), Entry(other, 1, At)]);

        var first = await Store.ListAsync("lead", id, 2, 0);
        var last = await Store.ListAsync("lead", id, 2, 4);

        Assert.Equal(5, first.Total);
        Assert.Equal([5L, 4L], first.Items.Select(e => e.Version));
        Assert.Equal(2, first.Next);
        Assert.Equal([1L], last.Items.Select(e => e.Version));
        Assert.Null(last.Next);
        Assert.Equal(0, (await Store.ListAsync("ticket", id, 50, 0)).Total);
    }

    [Fact]
    public async Task Excluded_actions_are_filtered_counted_and_paged_by_the_store()
    {
        var id = Guid.NewGuid().ToString();
        string[] actions = ["created", "internal_note", "commented", "assigned", "commented", "internal_note", "status_changed"];
        await Store.AppendAsync([.. actions.Select((a, i) => Entry(id, i + 1, At.AddSeconds(i), a))]);

        var first = await Store.ListAsync("lead", id, 2, 0, ["internal_note", "assigned"]);
        var second = await Store.ListAsync("lead", id, 2, 2, ["internal_note", "assigned"]);
        var everything = await Store.ListAsync("lead", id, 50, 0, []);

        Assert.Equal(4, first.Total);
        Assert.Equal([7L, 5L], first.Items.Select(e => e.Version));
        Assert.Equal(2, first.Next);
        Assert.Equal([3L, 1L], second.Items.Select(e => e.Version));
        Assert.Null(second.Next);
        Assert.Equal(7, everything.Total);
    }
}
