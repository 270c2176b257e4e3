namespace CrmChatbot.Storage.LiteDb;

/// <summary>
/// An in-memory view of one collection's documents, one row per document id: built by one scan on first
/// use, then kept current by <see cref="LiteDbGrainStorage"/>, which reports every write AFTER it committed
/// (the lock file makes this process the file's only writer). Writes reported while the scan runs are
/// kept aside and win over what the scan read: a reported write committed before it was reported, so it
/// is at least as new as the scanned version. Successful writes of one document are reported in commit
/// order, because each one needs the etag the previous one returned (and returns only after reporting).
/// So a reader racing a write sees the view before or after that write, and the view never drifts; a
/// write during the scan no longer throws the scan away (under steady writes, it never finished).
/// </summary>
/// <typeparam name="TRow">What the view keeps of one document.</typeparam>
internal abstract class LiteDbCollectionView<TRow>
    where TRow : class
{
    private readonly object _buildGate = new();

    /// <summary>Writes reported during the scan, by id (null row = removed); null once built.</summary>
    private Dictionary<string, TRow?>? _pending = new(StringComparer.Ordinal);
    private volatile bool _built;

    /// <summary>Guards the rows: <see cref="Apply"/> runs under it; readers that need a consistent view take it too.</summary>
    protected object Gate { get; } = new();

    /// <summary>Builds the view on first use (one scan). Concurrent callers wait for it; a failed scan is retried next time.</summary>
    public void EnsureBuilt(LiteDbStore store, string collection, Action<string>? afterScan)
    {
        if (_built)
        {
            return;
        }

        lock (_buildGate)
        {
            if (_built)
            {
                return;
            }

            var scanned = Scan(store, collection).ToList();
            afterScan?.Invoke(collection);
            lock (Gate)
            {
                foreach (var (id, row) in scanned)
                {
                    if (!_pending!.ContainsKey(id))
                    {
                        Apply(id, row);
                    }
                }

                foreach (var (id, row) in _pending!)
                {
                    Apply(id, row);
                }

                _pending = null;
                _built = true;
            }
        }
    }

    /// <summary>Records a committed write (<paramref name="row"/> null: the document was removed).</summary>
    public void Report(string id, TRow? row)
    {
        lock (Gate)
        {
            if (_pending is not null)
            {
                _pending[id] = row;
            }
            else
            {
                Apply(id, row);
            }
        }
    }

    /// <summary>Every document's id and row, read from the collection.</summary>
    protected abstract IEnumerable<(string Id, TRow Row)> Scan(LiteDbStore store, string collection);

    /// <summary>Puts a document's row in the view, or takes it out (null). Called under <see cref="Gate"/>.</summary>
    protected abstract void Apply(string id, TRow? row);
}
