using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.LiteDb;
using CrmChatbot.Storage.Timeline;
using LiteDB;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.LiteDb;

/// <summary>The write queue itself (group commit on one writer thread), over a bare in-memory database.</summary>
public sealed class LiteDbWriteQueueTests : IDisposable
{
    private readonly LiteDatabase _db = new(new ConnectionString { Filename = ":memory:", Collation = Collation.Binary });
    private readonly LiteDbWriteQueue _queue;
    private readonly ManualResetEventSlim _writerHeld = new();
    private readonly ManualResetEventSlim _release = new();

    public LiteDbWriteQueueTests()
    {
        _queue = new LiteDbWriteQueue(_db, capacity: 8, maxBatch: 64);
    }

    public void Dispose()
    {
        _release.Set();
        _queue.Dispose();
        _db.Dispose();
        _writerHeld.Dispose();
        _release.Dispose();
    }

    private ILiteCollection<BsonDocument> Docs(LiteDatabase db) => db.GetCollection("docs");

    /// <summary>Occupies the writer thread until <see cref="_release"/> is set, so later writes queue up into one batch.</summary>
    private Task<int> HoldWriter()
    {
        var held = _queue.RunAsync(_ =>
        {
            _writerHeld.Set();
            _release.Wait(TimeSpan.FromSeconds(10));
            return 0;
        });
        Assert.True(_writerHeld.Wait(TimeSpan.FromSeconds(10)));
        return held;
    }

    private Task<BsonValue> Insert(string id, int value = 0) =>
        _queue.RunAsync(db => Docs(db).Insert(new BsonDocument { ["_id"] = id, ["n"] = value }));

    private Task<int> CompareAndSwap(string id, int expected, int next) =>
        _queue.RunAsync(db => Docs(db).UpdateMany(
            BsonExpression.Create("{ n: @0 }", next), BsonExpression.Create("_id = @0 AND n = @1", id, expected)));

    [Fact]
    public async Task Writes_queued_together_commit_in_one_transaction_with_their_own_results()
    {
        await Insert("a", 1);
        var before = _queue.Transactions;
        var held = HoldWriter();

        var inserts = Enumerable.Range(0, 5).Select(i => Insert($"new-{i}")).ToList();
        var hit = CompareAndSwap("a", expected: 1, next: 2);
        var miss = CompareAndSwap("a", expected: 1, next: 3); // runs after the hit: the etag moved on
        Assert.False(hit.IsCompleted); // nothing is acknowledged before its commit
        _release.Set();
        await held;

        Assert.Equal(1, await hit);
        Assert.Equal(0, await miss);
        await Task.WhenAll(inserts);
        Assert.Equal(before + 2, _queue.Transactions); // the holder, then one for the seven writes
        Assert.Equal(2, Docs(_db).FindById("a")["n"].AsInt32);
        Assert.Equal(6, Docs(_db).Count());
    }

    [Fact]
    public async Task A_failing_write_in_a_batch_fails_alone_and_the_others_commit()
    {
        await Insert("taken", 1);
        var before = _queue.Transactions;
        var held = HoldWriter();

        var first = Insert("first");
        var duplicate = Insert("taken", 99);
        var swap = CompareAndSwap("taken", expected: 1, next: 2);
        var last = Insert("last");
        _release.Set();
        await held;

        var error = await Assert.ThrowsAsync<LiteException>(() => duplicate);
        Assert.Equal(110, error.ErrorCode);
        Assert.Equal("first", (await first).AsString);
        Assert.Equal(1, await swap);
        Assert.Equal("last", (await last).AsString);
        Assert.Equal(before + 4, _queue.Transactions); // the holder, then the batch re-run as one transaction per write
        Assert.Equal(2, Docs(_db).FindById("taken")["n"].AsInt32);
        Assert.Equal(["first", "last", "taken"], Docs(_db).FindAll().Select(d => d["_id"].AsString).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LiteDB_ends_an_explicit_transaction_on_an_engine_error_and_rolls_back_its_earlier_writes()
    {
        // What the queue relies on (LiteDB 5.0.21): after an error nothing of the batch is left, and later
        // writes on the thread would run outside any transaction (auto-commit), hence BeginTrans as a check.
        Docs(_db).Insert(new BsonDocument { ["_id"] = "taken" });
        Assert.True(_db.BeginTrans());
        Docs(_db).Insert(new BsonDocument { ["_id"] = "before" });
        Assert.False(_db.BeginTrans()); // still open

        Assert.Equal(110, Assert.Throws<LiteException>(() => Docs(_db).Insert(new BsonDocument { ["_id"] = "taken" })).ErrorCode);

        Assert.Null(Docs(_db).FindById("before"));
        Assert.False(_db.Rollback()); // nothing left to roll back
        Assert.True(_db.BeginTrans()); // a new transaction: the old one ended
        Assert.True(_db.Rollback());
    }

    [Fact]
    public async Task A_write_that_swallows_an_engine_error_fails_and_the_rest_of_its_batch_commits()
    {
        await Insert("taken");
        var held = HoldWriter();

        var before = Insert("before");
        var swallowing = _queue.RunAsync(db =>
        {
            try
            {
                Docs(db).Insert(new BsonDocument { ["_id"] = "taken" });
            }
            catch (LiteException)
            {
                // Wrong: LiteDB has already rolled back the transaction of the whole batch.
            }

            return 0;
        });
        var after = Insert("after");
        _release.Set();
        await held;

        Assert.Equal("before", (await before).AsString);
        Assert.Equal("after", (await after).AsString);
        Assert.Contains("ended the transaction", (await Assert.ThrowsAsync<InvalidOperationException>(() => swallowing)).Message, StringComparison.Ordinal);
        Assert.Equal(3, Docs(_db).Count());
    }

    [Fact]
    public async Task A_write_that_throws_its_own_exception_changes_nothing()
    {
        var failing = _queue.RunAsync<int>(db =>
        {
            Docs(db).Insert(new BsonDocument { ["_id"] = "half" });
            throw new InvalidOperationException("boom");
        });

        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        Assert.Null(Docs(_db).FindById("half"));
        Assert.Equal("ok", (await Insert("ok")).AsString); // the writer carries on
    }

    [Fact]
    public async Task A_full_queue_makes_writers_wait_for_room()
    {
        var held = HoldWriter();
        var queued = Enumerable.Range(0, _queue.Capacity).Select(i => Insert($"q-{i}")).ToList();

        var waiting = Insert("over");
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        using var cancelled = new CancellationTokenSource();
        var cancellable = _queue.RunAsync(db => Docs(db).Insert(new BsonDocument { ["_id"] = "never" }), cancelled.Token);
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancellable);

        _release.Set();
        await held;
        await Task.WhenAll(queued);
        Assert.Equal("over", (await waiting).AsString);
        Assert.Null(Docs(_db).FindById("never"));
    }

    [Fact]
    public async Task Dispose_runs_the_queued_writes_and_later_writes_fail_clearly()
    {
        var held = HoldWriter();
        var queued = Enumerable.Range(0, 5).Select(i => Insert($"q-{i}")).ToList();

        var disposing = Task.Run(_queue.Dispose);
        await Task.Delay(50);
        _release.Set();
        await disposing;
        await held;

        await Task.WhenAll(queued);
        Assert.Equal(5, Docs(_db).Count());
        var late = await Assert.ThrowsAsync<ObjectDisposedException>(() => Insert("late"));
        Assert.Contains("the write was not executed", late.Message, StringComparison.Ordinal);
        Assert.Null(Docs(_db).FindById("late"));
    }
}

/// <summary>Grain storage, timeline and store lifetime on top of the write queue, on a database file.</summary>
public sealed class LiteDbGroupCommitTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static GrainId Lead(string key) => GrainId.Create("lead", key);

    private static async Task<IGrainState<LeadState>> ReadAsync(IGrainStorage storage, string key)
    {
        IGrainState<LeadState> state = new GrainState<LeadState>();
        await storage.ReadStateAsync(StorageNames.Leads, Lead(key), state);
        return state;
    }

    /// <summary>Read, add one to the score, write; on a stale etag read again. Returns how many conflicts it saw.</summary>
    private static async Task<int> IncrementAsync(IGrainStorage storage, string key, int times)
    {
        var conflicts = 0;
        for (var done = 0; done < times;)
        {
            var state = await ReadAsync(storage, key);
            state.State.Score++;
            try
            {
                await storage.WriteStateAsync(StorageNames.Leads, Lead(key), state);
                done++;
            }
            catch (InconsistentStateException)
            {
                conflicts++;
            }
        }

        return conflicts;
    }

    [Fact]
    public async Task Concurrent_compare_and_swap_writers_lose_no_update()
    {
        using var store = new LiteDbStore(_dir.Path);
        var storage = new LiteDbGrainStorage(store);
        var transactionsBefore = store.Writes.Transactions;
        string[] shared = ["shared-0", "shared-1"];
        var own = Enumerable.Range(0, 24).Select(i => $"own-{i}").ToArray();
        foreach (var key in shared.Concat(own))
        {
            await storage.WriteStateAsync(StorageNames.Leads, Lead(key), new GrainState<LeadState>(Samples.Lead(key)));
        }

        var sharedWriters = Enumerable.Range(0, 16).Select(i => Task.Run(() => IncrementAsync(storage, shared[i % 2], 20)));
        var ownWriters = own.Select(key => Task.Run(() => IncrementAsync(storage, key, 20)));
        var conflicts = await Task.WhenAll(sharedWriters.Concat(ownWriters));

        Assert.Equal(160, (await ReadAsync(storage, "shared-0")).State.Score);
        Assert.Equal(160, (await ReadAsync(storage, "shared-1")).State.Score);
        foreach (var key in own)
        {
            Assert.Equal(20, (await ReadAsync(storage, key)).State.Score);
        }

        Assert.Equal(0, conflicts.Skip(16).Sum()); // a grain's only writer never conflicts
        Assert.True(conflicts.Take(16).Sum() > 0, "8 writers per shared grain should have raced at least once");
        // Group commit happened: fewer transactions than writes.
        var writes = 26 + (16 * 20) + (24 * 20);
        Assert.True(store.Writes.Transactions - transactionsBefore < writes, $"{store.Writes.Transactions - transactionsBefore} transactions for {writes} writes");
    }

    [Fact]
    public async Task A_stale_etag_still_throws_and_changes_nothing()
    {
        using var store = new LiteDbStore(_dir.Path);
        var storage = new LiteDbGrainStorage(store);
        var first = new GrainState<LeadState>(Samples.Lead("one"));
        await storage.WriteStateAsync(StorageNames.Leads, Lead("k"), first);
        var stale = new GrainState<LeadState>(Samples.Lead("stale")) { ETag = first.ETag, RecordExists = true };
        first.State.Name = "two";
        await storage.WriteStateAsync(StorageNames.Leads, Lead("k"), first);

        var e = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StorageNames.Leads, Lead("k"), stale));
        Assert.Equal(first.ETag, e.StoredEtag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StorageNames.Leads, Lead("k"), stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync(StorageNames.Leads, Lead("k"), new GrainState<LeadState>(Samples.Lead("new"))));
        Assert.Equal("two", (await ReadAsync(storage, "k")).State.Name);
    }

    [Fact]
    public async Task Writes_pending_at_dispose_are_committed_or_failed_never_acknowledged_and_lost()
    {
        var keys = Enumerable.Range(0, 400).Select(i => $"pending-{i}").ToArray();
        var outcomes = new Task[keys.Length];
        using (var store = new LiteDbStore(_dir.Path))
        {
            var storage = new LiteDbGrainStorage(store);
            for (var i = 0; i < keys.Length; i++)
            {
                outcomes[i] = storage.WriteStateAsync(StorageNames.Leads, Lead(keys[i]), new GrainState<LeadState>(Samples.Lead(keys[i])));
                if (i == keys.Length / 2)
                {
                    store.Dispose(); // the second half finds the store closed
                }
            }

            await Task.WhenAll(outcomes).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        using var reopened = new LiteDbStore(_dir.Path);
        var storage2 = new LiteDbGrainStorage(reopened);
        var acknowledged = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            var stored = await ReadAsync(storage2, keys[i]);
            if (outcomes[i].IsCompletedSuccessfully)
            {
                acknowledged++;
                Assert.True(stored.RecordExists, $"{keys[i]} was acknowledged but is missing");
            }
            else
            {
                Assert.IsType<ObjectDisposedException>(outcomes[i].Exception!.InnerException);
                Assert.False(stored.RecordExists, $"{keys[i]} failed but was written");
            }
        }

        Assert.True(acknowledged > keys.Length / 2, $"the writes queued before dispose all commit ({acknowledged})");
        Assert.True(acknowledged < keys.Length);
    }

    [Fact]
    public async Task A_reopened_file_sees_every_acknowledged_write()
    {
        var keys = Enumerable.Range(0, 200).Select(i => $"lead-{i:D3}").ToArray();
        using (var store = new LiteDbStore(_dir.Path))
        {
            var storage = new LiteDbGrainStorage(store);
            var timeline = new LiteDbTimelineStore(store);
            await Task.WhenAll(keys.Select(async key =>
            {
                var state = new GrainState<LeadState>(Samples.Lead(key));
                await storage.WriteStateAsync(StorageNames.Leads, Lead(key), state);
                state.State.Score = 7;
                await storage.WriteStateAsync(StorageNames.Leads, Lead(key), state);
                await timeline.AppendAsync([Entry(key, 1), Entry(key, 2)]);
            }));
        }

        using var reopened = new LiteDbStore(_dir.Path);
        var storage2 = new LiteDbGrainStorage(reopened);
        var timeline2 = new LiteDbTimelineStore(reopened);
        foreach (var key in keys)
        {
            var state = await ReadAsync(storage2, key);
            Assert.Equal(7, state.State.Score);
            Assert.Equal(key, state.State.Name);
            var page = await timeline2.ListAsync("lead", key, 10, 0);
            Assert.Equal([2, 1], page.Items.Select(e => e.Version));
        }
    }

    private static TimelineEntry Entry(string key, int version) => new()
    {
        Id = Guid.CreateVersion7().ToString(),
        EntityKind = "lead",
        EntityId = key,
        At = Samples.T0.AddMinutes(version),
        Version = version,
        ActorKind = ActorKind.User,
        ActorId = "u1",
        ActorName = "Ada",
        Action = version == 1 ? "created" : "updated",
    };
}
