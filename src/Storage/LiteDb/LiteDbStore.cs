using System.Globalization;
using System.Text;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Schemas;
using LiteDB;

namespace CrmChatbot.Storage.LiteDb;

/// <summary>
/// The process-wide LiteDB database: <c>&lt;dataDir&gt;/crm.db</c> opened in Direct mode with the binary
/// collation and UTC dates, guarded by an exclusive lock file so that no second process (or second
/// store in this process) opens the same file. Create ONE per process and share it.
/// </summary>
public sealed class LiteDbStore : IDisposable
{
    public const string DatabaseFileName = "crm.db";
    public const string LockFileName = "crm.db.lock";

    private readonly FileStream? _lockFile;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _generations = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Opens (or creates) the database in <paramref name="dataDirectory"/>, creating the directory if needed.</summary>
    /// <exception cref="DataDirectoryInUseException">Another process holds the data directory.</exception>
    public LiteDbStore(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        DataDirectory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(DataDirectory);
        FilePath = Path.Combine(DataDirectory, DatabaseFileName);
        _lockFile = AcquireLock(DataDirectory);
        try
        {
            Mapper = LiteDbMapping.CreateMapper();
            Database = Open(
                new ConnectionString { Filename = FilePath, Connection = ConnectionType.Direct, Collation = Collation.Binary },
                Mapper,
                FilePath);
            Writes = new LiteDbWriteQueue(Database);
        }
        catch
        {
            _lockFile.Dispose();
            throw;
        }
    }

    private LiteDbStore(BsonMapper mapper)
    {
        Mapper = mapper;
        Database = Open(new ConnectionString { Filename = ":memory:", Collation = Collation.Binary }, mapper, "in-memory database");
        Writes = new LiteDbWriteQueue(Database);
    }

    /// <summary>An in-memory store (LiteDB over a MemoryStream), for tests.</summary>
    public static LiteDbStore CreateInMemory() => new(LiteDbMapping.CreateMapper());

    public LiteDatabase Database { get; }

    /// <summary>
    /// The single writer of this store (group commit): grain state, timeline and reminder writes go through
    /// it; reads use <see cref="GetCollection"/> directly.
    /// </summary>
    public LiteDbWriteQueue Writes { get; }

    /// <summary>The in-memory search texts of the searched collections (see <see cref="LiteDbSearchTexts"/>).</summary>
    public LiteDbSearchTexts SearchTexts { get; } = new();

    /// <summary>The in-memory counts behind exact list totals (see <see cref="LiteDbFieldCounts"/>).</summary>
    public LiteDbFieldCounts FieldCounts { get; } = new();

    public BsonMapper Mapper { get; }

    /// <summary>The absolute data directory, or null for an in-memory store.</summary>
    public string? DataDirectory { get; }

    /// <summary>The absolute database file path, or null for an in-memory store.</summary>
    public string? FilePath { get; }

    public string Description => FilePath is null ? "LiteDB in memory" : $"LiteDB file {FilePath}";

    public ILiteCollection<BsonDocument> GetCollection(string name)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Database.GetCollection(name);
    }

    /// <summary>
    /// Creates the indexes (and backfills the helper fields) of every registered schema: the known
    /// schemas at open, and schemas registered later (e.g. by tests) when called again. Idempotent.
    /// </summary>
    public void EnsureIndexes()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        EnsureIndexes(Database, Mapper);
        foreach (var schema in CollectionSchemas.All)
        {
            MarkChanged(schema.Name); // the backfill may have written helper fields
        }

        SearchTexts.ForgetAll();
        FieldCounts.ForgetAll();
    }

    /// <summary>
    /// How many times the documents of a collection were changed through this store (see
    /// <see cref="MarkChanged"/> and <see cref="MarkWritten"/>): what list queries key their cached totals on
    /// (totals of filters on counted fields come from <see cref="FieldCounts"/> instead). The lock file makes this
    /// process the file's only writer, so the number covers every change.
    /// </summary>
    public long Generation(string collection) => _generations.TryGetValue(collection, out var generation) ? generation : 0;

    /// <summary>
    /// Records that documents of <paramref name="collection"/> changed in ways the in-memory views did not
    /// see: cached totals, <see cref="SearchTexts"/> and <see cref="FieldCounts"/> of the collection are
    /// dropped and rebuilt on next use. Code that writes documents through <see cref="GetCollection"/>
    /// directly must call it AFTER the change committed, or list totals and searches may be stale.
    /// </summary>
    public void MarkChanged(string collection)
    {
        MarkWritten(collection);
        SearchTexts.Forget(collection);
        FieldCounts.Forget(collection);
    }

    /// <summary>
    /// Records a committed write that grain storage also reported to <see cref="SearchTexts"/> and
    /// <see cref="FieldCounts"/> document by document: only the cached totals keyed on the generation go stale.
    /// </summary>
    internal void MarkWritten(string collection) => _generations.AddOrUpdate(collection, 1, (_, generation) => generation + 1);

    /// <summary>A path in a collection's documents, e.g. <c>$.state.owner_id</c>.</summary>
    public static string StatePath(string field) => $"$.{DocumentFields.State}.{field}";

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Writes.Dispose(); // runs the writes already queued first
        Database.Dispose();
        _lockFile?.Dispose();
    }

    private static FileStream AcquireLock(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, LockFileName);
        FileStream stream;
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock on Unix), which the OS drops when
            // the process dies. The file itself is never deleted: deleting it would let two processes
            // each lock a different inode.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not DirectoryNotFoundException and not PathTooLongException)
        {
            throw new DataDirectoryInUseException(dataDirectory, path, e);
        }

        try
        {
            var owner = Encoding.UTF8.GetBytes(
                string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId} since {DateTime.UtcNow:O}\n"));
            stream.SetLength(0);
            stream.Write(owner);
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return stream;
    }

    private static LiteDatabase Open(ConnectionString connectionString, BsonMapper mapper, string where)
    {
        var db = new LiteDatabase(connectionString, mapper);
        try
        {
            if (db.Collation.SortOptions != CompareOptions.Ordinal)
            {
                throw new InvalidOperationException(
                    $"{where} was created with collation '{db.Collation}', not the binary collation: ids and " +
                    "comparisons would be case-insensitive. Export the data and recreate the file.");
            }

            if (!db.UtcDate)
            {
                db.UtcDate = true;
            }

            EnsureIndexes(db, mapper);
            return db;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private static void EnsureIndexes(LiteDatabase db, BsonMapper mapper)
    {
        KnownSchemas.Register();
        foreach (var schema in CollectionSchemas.All)
        {
            LiteDbDocuments.Backfill(db, mapper, schema);
            LiteDbDocuments.EnsureIndexes(db, schema);
        }
    }
}
