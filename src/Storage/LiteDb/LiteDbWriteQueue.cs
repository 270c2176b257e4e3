using LiteDB;

namespace CrmChatbot.Storage.LiteDb;

/// <summary>
/// Group commit for the embedded store: ONE dedicated thread runs every write of a <see cref="LiteDbStore"/>.
/// Writes queued while a transaction runs are executed together in the next one (BeginTrans, up to
/// <see cref="MaxBatch"/> writes, one Commit), so N concurrent writers cost one commit instead of N threads
/// fighting over LiteDB's collection locks. A write's task completes only after its transaction committed.
/// </summary>
/// <remarks>
/// A write is a delegate over the database that returns a result (e.g. the 0/1 of a compare-and-swap). It
/// must only touch the database, compute the same operations when run twice, and let LiteDB exceptions
/// propagate: when any write of a batch throws, the whole batch is rolled back and its writes are re-run one
/// by one, each in its own transaction, so the failing write fails alone and every other write ends exactly
/// as if it had never been batched. Reads do not go through the queue.
/// </remarks>
public sealed class LiteDbWriteQueue : IDisposable
{
    /// <summary>Writes waiting to run before callers wait for room (back-pressure).</summary>
    public const int DefaultCapacity = 4096;

    /// <summary>Writes per transaction at most.</summary>
    public const int DefaultMaxBatch = 256;

    private readonly LiteDatabase _database;
    private readonly SemaphoreSlim _room;
    private readonly Queue<Write> _queue = new();
    private readonly object _gate = new();
    private readonly Thread _writer;
    private bool _closed;
    private long _transactions;
    private long _writes;

    public LiteDbWriteQueue(LiteDatabase database, int capacity = DefaultCapacity, int maxBatch = DefaultMaxBatch)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _database = database;
        Capacity = capacity;
        MaxBatch = maxBatch;
        _room = new SemaphoreSlim(capacity, capacity);
        // LiteDB transactions belong to the thread that began them: a thread of our own, never the pool.
        _writer = new Thread(RunWriter) { IsBackground = true, Name = "LiteDB writer" };
        _writer.Start();
    }

    public int Capacity { get; }

    public int MaxBatch { get; }

    /// <summary>Transactions committed so far (a batch that failed and was re-run counts each re-run).</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Writes committed so far.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>
    /// Queues <paramref name="write"/>; the task completes with its result once its transaction committed, or
    /// faults with its exception (the write then changed nothing). <paramref name="cancellationToken"/> only
    /// cancels waiting for room in a full queue; a queued write runs.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The queue is closed (the store was disposed): nothing was written.</exception>
    public Task<T> RunAsync<T>(Func<LiteDatabase, T> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var item = new Write<T>(write);
        return _room.Wait(0) ? Enqueue(item) : EnqueueWhenRoomAsync(item, cancellationToken);
    }

    /// <summary>Stops taking writes, runs every write already queued, then stops the writer thread.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            Monitor.Pulse(_gate);
        }

        if (Thread.CurrentThread != _writer)
        {
            _writer.Join();
        }
    }

    private async Task<T> EnqueueWhenRoomAsync<T>(Write<T> item, CancellationToken cancellationToken)
    {
        await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await Enqueue(item).ConfigureAwait(false);
    }

    // The caller holds one unit of room; the writer gives it back when it takes the write off the queue.
    private Task<T> Enqueue<T>(Write<T> item)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _queue.Enqueue(item);
                if (_queue.Count == 1)
                {
                    Monitor.Pulse(_gate);
                }

                return item.Task;
            }
        }

        _room.Release();
        return Task.FromException<T>(Closed());
    }

    private static ObjectDisposedException Closed() =>
        new(nameof(LiteDbWriteQueue), "The LiteDB store is closed: the write was not executed.");

    private void RunWriter()
    {
        var batch = new List<Write>(MaxBatch);
        while (true)
        {
            lock (_gate)
            {
                while (_queue.Count == 0 && !_closed)
                {
                    Monitor.Wait(_gate);
                }

                if (_queue.Count == 0)
                {
                    return; // closed and drained
                }

                while (batch.Count < MaxBatch && _queue.TryDequeue(out var write))
                {
                    batch.Add(write);
                }
            }

            _room.Release(batch.Count);
            RunBatch(batch);
            batch.Clear();
        }
    }

    private void RunBatch(List<Write> batch)
    {
        if (batch.Count == 1)
        {
            RunAlone(batch[0]);
            return;
        }

        try
        {
            Begin();
            foreach (var write in batch)
            {
                write.Run(_database);
                EnsureStillInTransaction();
            }

            Commit();
        }
        catch (Exception)
        {
            // LiteDB has usually rolled back already (it does on an error inside a transaction); this makes sure.
            TryRollback();
            foreach (var write in batch)
            {
                RunAlone(write);
            }

            return;
        }

        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _writes, batch.Count);
        foreach (var write in batch)
        {
            write.Complete();
        }
    }

    private void RunAlone(Write write)
    {
        try
        {
            Begin();
            write.Run(_database);
            EnsureStillInTransaction();
            Commit();
        }
        catch (Exception e)
        {
            TryRollback();
            write.Fail(e);
            return;
        }

        Interlocked.Increment(ref _transactions);
        Interlocked.Increment(ref _writes);
        write.Complete();
    }

    private void Begin()
    {
        if (!_database.BeginTrans())
        {
            throw new InvalidOperationException("A LiteDB transaction was already open on the writer thread.");
        }
    }

    // LiteDB ends an explicit transaction itself when an engine error occurs inside it (rolling back every
    // write of the batch so far); a write that catches that error and goes on would make the writes after it
    // run outside any transaction. BeginTrans returns false while ours is still open.
    private void EnsureStillInTransaction()
    {
        if (_database.BeginTrans())
        {
            throw new InvalidOperationException(
                "A write ended the transaction of its batch: it caught a LiteDB error instead of letting it propagate.");
        }
    }

    private void Commit()
    {
        if (!_database.Commit())
        {
            throw new InvalidOperationException("The LiteDB transaction of the batch ended before its commit.");
        }
    }

    private void TryRollback()
    {
        try
        {
            _database.Rollback();
        }
        catch (Exception)
        {
            // Nothing to roll back or the database is failing: the re-run reports each write's own error.
        }
    }

    private abstract class Write
    {
        public abstract void Run(LiteDatabase database);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class Write<T>(Func<LiteDatabase, T> write) : Write
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _completion.Task;

        public override void Run(LiteDatabase database) => _result = write(database);

        public override void Complete() => _completion.TrySetResult(_result!);

        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
