using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.LiteDb;
using CrmChatbot.Storage.Timeline;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.LiteDb;

/// <summary>
/// The embedded store commits an entity's outbox (its pending timeline entries) in the same transaction
/// as its state: one write per change, and neither is ever stored without the other.
/// </summary>
public sealed class LiteDbOutboxTests : IDisposable
{
    private static readonly GrainId Grain = GrainId.Create("lead", "outbox-1");

    private readonly LiteDbStore _store = LiteDbStore.CreateInMemory();
    private readonly LiteDbGrainStorage _storage;
    private readonly LiteDbTimelineStore _timeline;

    public LiteDbOutboxTests()
    {
        _storage = new LiteDbGrainStorage(_store);
        _timeline = new LiteDbTimelineStore(_store);
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task A_new_entity_and_its_entries_commit_in_one_transaction()
    {
        var created = Entry("created", 1);
        var state = new GrainState<LeadState>(WithOutbox(Samples.Lead(), created));
        var transactions = _store.Writes.Transactions;

        await _storage.WriteStateAsync(StorageNames.Leads, Grain, state);

        Assert.Equal(transactions + 1, _store.Writes.Transactions);
        Assert.Empty(state.State.PendingTimeline); // nothing left for the grain to append
        Assert.Equal([created.Id], await StoredEntryIds());
        Assert.Empty((await Read()).PendingTimeline); // stored with an empty outbox
    }

    [Fact]
    public async Task An_update_and_its_entries_commit_in_one_transaction()
    {
        var state = new GrainState<LeadState>(WithOutbox(Samples.Lead(), Entry("created", 1)));
        await _storage.WriteStateAsync(StorageNames.Leads, Grain, state);
        var updated = Entry("updated", 2);
        state.State = WithOutbox(Samples.Lead("Ada Byron"), updated);
        var transactions = _store.Writes.Transactions;

        await _storage.WriteStateAsync(StorageNames.Leads, Grain, state);

        Assert.Equal(transactions + 1, _store.Writes.Transactions);
        Assert.Empty(state.State.PendingTimeline);
        Assert.Contains(updated.Id, await StoredEntryIds());
        Assert.Equal("Ada Byron", (await Read()).Name);
    }

    [Fact]
    public async Task A_stale_write_stores_neither_the_state_nor_its_entries_and_keeps_the_outbox()
    {
        var first = new GrainState<LeadState>(Samples.Lead());
        await _storage.WriteStateAsync(StorageNames.Leads, Grain, first);
        var staleETag = first.ETag;
        await _storage.WriteStateAsync(StorageNames.Leads, Grain, first); // moves the etag on
        var lost = Entry("updated", 2);
        var stale = new GrainState<LeadState>(WithOutbox(Samples.Lead("Lost Update"), lost)) { ETag = staleETag, RecordExists = true };

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StorageNames.Leads, Grain, stale));

        Assert.Equal([lost.Id], stale.State.PendingTimeline.Select(e => e.Id));
        Assert.Empty(await StoredEntryIds());
        Assert.Equal(Samples.Lead().Name, (await Read()).Name);
    }

    [Fact]
    public async Task A_refused_insert_stores_no_entries_and_keeps_the_outbox()
    {
        await _storage.WriteStateAsync(StorageNames.Leads, Grain, new GrainState<LeadState>(Samples.Lead()));
        var refused = Entry("created", 1);
        var duplicate = new GrainState<LeadState>(WithOutbox(Samples.Lead("Duplicate"), refused)); // no etag: an insert

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StorageNames.Leads, Grain, duplicate));

        Assert.Equal([refused.Id], duplicate.State.PendingTimeline.Select(e => e.Id));
        Assert.Empty(await StoredEntryIds());
    }

    private static LeadState WithOutbox(LeadState state, params TimelineEntry[] entries)
    {
        state.PendingTimeline = [.. entries];
        return state;
    }

    private static TimelineEntry Entry(string action, long version) => new()
    {
        Id = Guid.CreateVersion7().ToString(),
        EntityKind = "lead",
        EntityId = Grain.Key.ToString()!,
        Version = version,
        At = Samples.T0.AddMinutes(version),
        ActorKind = ActorKind.User,
        ActorId = "agent-1",
        Action = action,
    };

    private async Task<List<string>> StoredEntryIds() =>
        [.. (await _timeline.ListAsync("lead", Grain.Key.ToString()!, 50, 0)).Items.Select(e => e.Id)];

    private async Task<LeadState> Read()
    {
        var read = new GrainState<LeadState>();
        await _storage.ReadStateAsync(StorageNames.Leads, Grain, read);
        return read.State!;
    }
}
