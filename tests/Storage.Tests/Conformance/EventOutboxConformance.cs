using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Webhooks;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Conformance;

/// <summary>
/// The event outbox every backend must keep (issue 16): an entity change's entries reach the outbox with their
/// snapshot in the change's own write, a refused write leaves none, the timeline keeps no snapshot, entries come
/// out oldest first and stay until removed, and a re-appended entry is not queued again.
/// </summary>
public abstract class EventOutboxConformance
{
    private static readonly DateTime At = new(2026, 12, 6, 9, 0, 0, 123, DateTimeKind.Utc);

    protected abstract IEntityStore Entities { get; }

    protected abstract ITimelineStore Timeline { get; }

    protected abstract IEventOutbox Outbox { get; }

    private static TimelineEntry Entry(string entityId, long version, DateTime at, string action = "updated") => new()
    {
        Id = Guid.CreateVersion7().ToString(),
        EntityKind = "lead",
        EntityId = entityId,
        Version = version,
        At = at,
        ActorKind = ActorKind.User,
        ActorId = "user-1",
        Action = action,
        Changes = [new FieldChange("name", null, "\"Ada\"")],
        Snapshot = $"{{\"id\":\"{entityId}\",\"version\":{version}}}",
    };

    private static GrainState<LeadState> State(LeadState state) => new(state);

    [Fact]
    public async Task A_written_change_has_its_event_with_the_snapshot_and_the_timeline_keeps_none()
    {
        var id = Guid.NewGuid().ToString();
        var state = State(new LeadState { Name = "Ada", Version = 1 });
        var created = Entry(id, 1, At, "created");

        await Entities.WriteAsync(StorageNames.Leads, GrainId.Create("lead", id), state, [created]);

        var queued = Assert.Single(await Outbox.ReadAsync(100));
        Assert.Equal((created.Id, "created", 1L, created.Snapshot), (queued.Id, queued.Action, queued.Version, queued.Snapshot));
        Assert.Equal(At, queued.At);
        Assert.Equal(("name", null, "\"Ada\""), (queued.Changes[0].Field, queued.Changes[0].From, queued.Changes[0].To));
        var stored = Assert.Single((await Timeline.ListAsync("lead", id, 10, 0)).Items);
        Assert.Equal(created.Id, stored.Id);
        Assert.Null(stored.Snapshot);
    }

    [Fact]
    public async Task A_refused_write_queues_no_event()
    {
        var id = Guid.NewGuid().ToString();
        var grain = GrainId.Create("lead", id);
        await Entities.WriteAsync(StorageNames.Leads, grain, State(new LeadState { Name = "Ada", Version = 1 }), [Entry(id, 1, At, "created")]);
        await Outbox.RemoveAsync([.. (await Outbox.ReadAsync(100)).Select(e => e.Id)]);

        var stale = State(new LeadState { Name = "Bob", Version = 2 });
        stale.ETag = "stale";
        stale.RecordExists = true;
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Entities.WriteAsync(StorageNames.Leads, grain, stale, [Entry(id, 2, At.AddSeconds(1))]));

        Assert.Empty(await Outbox.ReadAsync(100));
    }

    [Fact]
    public async Task Events_come_out_oldest_first_and_stay_until_removed()
    {
        var a = Guid.NewGuid().ToString();
        var b = Guid.NewGuid().ToString();
        // One entity's entries within one millisecond: its versions order them.
        TimelineEntry[] entries = [Entry(a, 1, At, "created"), Entry(b, 1, At.AddMilliseconds(1), "created"), Entry(a, 2, At.AddMilliseconds(2)), Entry(a, 3, At.AddMilliseconds(2))];
        foreach (var entry in entries)
        {
            await Timeline.AppendAsync([entry]);
        }

        Assert.Equal(entries.Select(e => e.Id), (await Outbox.ReadAsync(100)).Select(e => e.Id));
        Assert.Equal(entries.Take(2).Select(e => e.Id), (await Outbox.ReadAsync(2)).Select(e => e.Id));
        Assert.Equal(entries.Select(e => e.Id), (await Outbox.ReadAsync(100)).Select(e => e.Id)); // reading removes nothing

        await Outbox.RemoveAsync([entries[0].Id, entries[2].Id, "not-stored"]);

        Assert.Equal([entries[1].Id, entries[3].Id], (await Outbox.ReadAsync(100)).Select(e => e.Id));
    }

    [Fact]
    public async Task An_entry_appended_again_is_not_queued_again()
    {
        var entry = Entry(Guid.NewGuid().ToString(), 1, At, "created");
        await Timeline.AppendAsync([entry]);
        await Outbox.RemoveAsync([entry.Id]);

        await Timeline.AppendAsync([entry]);

        Assert.Empty(await Outbox.ReadAsync(100));
    }
}
