using System.Diagnostics;
using CrmChatbot.Common;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// Group commit for the embedded store: ONE dedicated thread runs every write of a <see cref="SqliteStore"/> on
/// the store's writer connection. Writes queued while a transaction commits run together in the next one
/// (<c>BEGIN IMMEDIATE</c>, up to <see cref="MaxBatch"/> writes, one <c>COMMIT</c>: one fsync with
/// <c>synchronous=FULL</c>), so N concurrent writers pay for one commit instead of N. A write's task completes
/// only after its transaction committed.
/// </summary>
/// <remarks>
/// Each write runs inside its own savepoint: when it throws, the savepoint is rolled back and only that write
/// fails (it changed nothing); the other writes of the batch commit. When the commit itself fails, every write of
/// the batch fails (none of them was committed). Reads do not go through the queue.
/// </remarks>
public sealed class SqliteWriteQueue : IDisposable
{
    /// <summary>Writes waiting to run before callers wait for room (back-pressure).</summary>
    public const int DefaultCapacity = 4096;

    /// <summary>Writes per transaction at most.</summary>
    public const int DefaultMaxBatch = 256;

    private readonly SqliteSession _session;
    private readonly Action<Action> _exclusive;
    private readonly SemaphoreSlim _room;
    private readonly Queue<Write> _queue = new();
    private readonly object _gate = new();
    private readonly Thread _writer;
    private bool _closed;
    private long _transactions;
    private long _writes;

    /// <param name="session">The writer connection, used by this queue's thread only.</param>
    /// <param name="exclusive">Runs one batch; an in-memory store passes a lock its readers take too (they share the connection).</param>
    internal SqliteWriteQueue(SqliteSession session, Action<Action> exclusive, int capacity = DefaultCapacity, int maxBatch = DefaultMaxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _session = session;
        _exclusive = exclusive;
        Capacity = capacity;
        MaxBatch = maxBatch;
        _room = new SemaphoreSlim(capacity, capacity);
        _writer = new Thread(RunWriter) { IsBackground = true, Name = "SQLite writer" };
        _writer.Start();
    }

    public int Capacity { get; }

    public int MaxBatch { get; }

    /// <summary>Transactions committed so far.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Writes committed so far.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>
    /// Queues <paramref name="write"/>; the task completes with its result once its transaction committed, or
    /// faults with its exception (the write then changed nothing). <paramref name="cancellationToken"/> only
    /// cancels waiting for room in a full queue; a queued write runs.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The queue is closed (the store was disposed): nothing was written.</exception>
    public Task<T> RunAsync<T>(Func<SqliteSession, T> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        return CrmDiagnostics.Activities.HasListeners() ? TracedAsync(write, cancellationToken) : Queue(write, cancellationToken);
    }

    private Task<T> Queue<T>(Func<SqliteSession, T> write, CancellationToken cancellationToken)
    {
        var item = new Write<T>(write);
        return _room.Wait(0) ? Enqueue(item) : EnqueueWhenRoomAsync(item, cancellationToken);
    }

    // An async method, so the span is Activity.Current only inside it, never for the caller after it returns.
    private async Task<T> TracedAsync<T>(Func<SqliteSession, T> write, CancellationToken cancellationToken)
    {
        using var activity = CrmDiagnostics.StartStoreActivity("sqlite", "write");
        try
        {
            return await Queue(write, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
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
                CrmDiagnostics.StoreWriteQueueDepth.Add(1);
                if (_queue.Count == 1)
                {
                    Monitor.Pulse(_gate);
                }

                return item.Task;
            }
        }

        _room.Release();
        return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteWriteQueue), "The SQLite store is closed: the write was not executed."));
    }

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
            CrmDiagnostics.StoreWriteQueueDepth.Add(-batch.Count);
            _exclusive(() => RunBatch(batch));
            batch.Clear();
        }
    }

    private void RunBatch(List<Write> batch)
    {
        var failed = new bool[batch.Count];
        var started = Stopwatch.GetTimestamp();
        try
        {
            _session.Execute("BEGIN IMMEDIATE");
        }
        catch (Exception e)
        {
            batch.ForEach(w => w.Fail(e));
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                _session.Execute("SAVEPOINT w");
                batch[i].Run(_session);
                _session.Execute("RELEASE w");
            }
            catch (Exception e)
            {
                failed[i] = true;
                batch[i].Fail(e);
                if (!TryRollbackSavepoint())
                {
                    // The transaction itself is gone (SQLite aborted it): the writes before this one are lost too.
                    for (var j = 0; j < i; j++)
                    {
                        if (!failed[j])
                        {
                            failed[j] = true;
                            batch[j].Fail(new InvalidOperationException("The SQLite transaction of the batch was aborted; the write was not committed.", e));
                        }
                    }
                }
            }
        }

        try
        {
            if (_session.Connection.State == System.Data.ConnectionState.Open && InTransaction())
            {
                _session.Execute("COMMIT");
            }
        }
        catch (Exception e)
        {
            TryRollback();
            for (var i = 0; i < batch.Count; i++)
            {
                if (!failed[i])
                {
                    batch[i].Fail(e);
                }
            }

            return;
        }

        var committed = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (!failed[i])
            {
                committed++;
                batch[i].Complete();
            }
        }

        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _writes, committed);
        CrmDiagnostics.StoreCommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        CrmDiagnostics.StoreWrites.Add(committed, new KeyValuePair<string, object?>("store", "sqlite"));
    }

    private bool InTransaction() => !_session.Connection.Handle!.IsInvalid && SQLitePCL.raw.sqlite3_get_autocommit(_session.Connection.Handle) == 0;

    private bool TryRollbackSavepoint()
    {
        try
        {
            if (!InTransaction())
            {
                return false;
            }

            _session.Execute("ROLLBACK TO w");
            _session.Execute("RELEASE w");
            return true;
        }
        catch (Exception)
        {
            TryRollback();
            return false;
        }
    }

    private void TryRollback()
    {
        try
        {
            if (InTransaction())
            {
                _session.Execute("ROLLBACK");
            }
        }
        catch (Exception)
        {
            // Nothing left to roll back: every write of the batch has already been failed.
        }
    }

    private abstract class Write
    {
        public abstract void Run(SqliteSession session);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class Write<T>(Func<SqliteSession, T> write) : Write
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _completion.Task;

        public override void Run(SqliteSession session) => _result = write(session);

        public override void Complete() => _completion.TrySetResult(_result!);

        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
