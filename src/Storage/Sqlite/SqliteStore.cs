using CrmChatbot.Common;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Schemas;
using Microsoft.Data.Sqlite;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>How much an acknowledged write survives (<c>PRAGMA synchronous</c> in WAL mode).</summary>
public enum SqliteDurability
{
    /// <summary>Every commit is fsynced before it is acknowledged: it survives a crash and a power loss.</summary>
    Full,

    /// <summary>Commits are fsynced at checkpoints only: a crash of the process loses nothing, a power loss may lose the last commits.</summary>
    Normal,
}

/// <summary>
/// The process-wide SQLite database: <c>&lt;dataDir&gt;/crm.db</c> in WAL mode, guarded by an exclusive lock
/// file so that no second process (or second store in this process) opens it. Writes run on one writer
/// connection through <see cref="Writes"/> (group commit); reads on a small pool of reader connections, each
/// seeing the last committed state. Create ONE per process and share it.
/// </summary>
public sealed class SqliteStore : IDisposable
{
    public const string DatabaseFileName = "crm.db";
    public const string LockFileName = "crm.db.lock";

    /// <summary>The version of the store's own tables (schema table, timeline, reminders; 2: ticket comments; 3: event outbox; 4: webhook queues; 5: archived chat messages as rows).</summary>
    public const int StoreVersion = 5;

    /// <summary>Idle reader connections kept open.</summary>
    private const int MaxIdleReaders = 4;

    private static readonly byte[] SqliteHeader = Encoding.ASCII.GetBytes("SQLite format 3\0");

    /// <summary>
    /// Set once, before the process opens its first connection: SQLite keeps no process-wide allocation statistics
    /// (every allocation took a global mutex for them: under four concurrent searches perf showed ~7% of the CPU in
    /// pthread mutex calls) and connections have no mutex of their own (multi-thread mode: a store uses each
    /// connection on one thread at a time, its writer thread or one reader at a time; the in-memory store's single
    /// connection sits behind its gate).
    /// </summary>
    static SqliteStore()
    {
        SQLitePCL.Batteries_V2.Init();
        ProcessConfigured =
            SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MEMSTATUS, 0) == SQLitePCL.raw.SQLITE_OK &&
            SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MULTITHREAD) == SQLitePCL.raw.SQLITE_OK;
    }

    /// <summary>False when SQLite was already initialized by other code in this process (its configuration then stays as it was).</summary>
    internal static bool ProcessConfigured { get; }

    private readonly FileStream? _lockFile;
    private readonly string _connectionString;
    private readonly SqliteSession _writer;
    private readonly object? _memoryGate;
    private readonly ConcurrentBag<SqliteSession> _readers = [];
    private readonly ConcurrentDictionary<string, SqliteLayout> _layouts = new(StringComparer.Ordinal);
    private readonly object _layoutGate = new();
    private int _disposed;

    /// <summary>Opens (or creates) the database in <paramref name="dataDirectory"/>, creating the directory if needed.</summary>
    /// <exception cref="DataDirectoryInUseException">Another process holds the data directory.</exception>
    /// <exception cref="NotASqliteDatabaseException">crm.db exists and is no SQLite database (e.g. an old LiteDB file); nothing is changed.</exception>
    public SqliteStore(string dataDirectory, SqliteDurability durability = SqliteDurability.Full)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        DataDirectory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(DataDirectory);
        FilePath = Path.Combine(DataDirectory, DatabaseFileName);
        Durability = durability;
        _lockFile = AcquireLock(DataDirectory);
        try
        {
            EnsureSqliteFile(FilePath);
            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = FilePath,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
                Cache = SqliteCacheMode.Private,
            }.ToString();
            _writer = Open(_connectionString, writer: true, durability);
            Writes = new SqliteWriteQueue(_writer, batch => batch());
            Initialize();
        }
        catch
        {
            Writes?.Dispose();
            _writer?.Dispose();
            _lockFile.Dispose();
            throw;
        }
    }

    private SqliteStore()
    {
        // One connection for everything: an in-memory database is private to its connection. Readers take the
        // same gate as the writer's batches, so they never see a batch before its commit.
        _connectionString = "Data Source=:memory:;Pooling=False";
        _memoryGate = new object();
        _writer = Open(_connectionString, writer: true, SqliteDurability.Normal);
        Writes = new SqliteWriteQueue(_writer, batch =>
        {
            lock (_memoryGate)
            {
                batch();
            }
        });
        Initialize();
    }

    /// <summary>An in-memory store, for tests.</summary>
    public static SqliteStore CreateInMemory() => new();

    /// <summary>The single writer of this store (group commit): every write goes through it.</summary>
    public SqliteWriteQueue Writes { get; }

    public SqliteDurability Durability { get; }

    /// <summary>The absolute data directory, or null for an in-memory store.</summary>
    public string? DataDirectory { get; }

    /// <summary>The absolute database file path, or null for an in-memory store.</summary>
    public string? FilePath { get; }

    public string Description => FilePath is null ? "SQLite in memory" : $"SQLite file {FilePath} (synchronous={Durability.ToString().ToUpperInvariant()})";

    /// <summary>Runs a read on a reader connection (the last committed state; wrap several statements in a transaction for one snapshot).</summary>
    public T Read<T>(Func<SqliteSession, T> read)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var activity = CrmDiagnostics.StartStoreActivity("sqlite", "read");
        if (_memoryGate is not null)
        {
            lock (_memoryGate)
            {
                return read(_writer);
            }
        }

        var session = _readers.TryTake(out var idle) ? idle : Open(_connectionString, writer: false, Durability);
        try
        {
            return read(session);
        }
        finally
        {
            if (_readers.Count < MaxIdleReaders && Volatile.Read(ref _disposed) == 0)
            {
                _readers.Add(session);
            }
            else
            {
                session.Dispose();
            }
        }
    }

    /// <summary>Runs several reads as one snapshot (a read transaction).</summary>
    public T ReadSnapshot<T>(Func<SqliteSession, T> read) => Read(session =>
    {
        if (_memoryGate is not null)
        {
            return read(session);
        }

        session.Execute("BEGIN");
        try
        {
            return read(session);
        }
        finally
        {
            session.Execute("COMMIT");
        }
    });

    /// <summary>
    /// The table of a collection, created or migrated on first use: the registered schema's layout, or a plain
    /// id/etag/doc table for a collection without one. A schema registered later (tests) is migrated then.
    /// </summary>
    internal SqliteLayout Layout(string collection, Type stateType)
    {
        var registered = CollectionSchemas.Registered(collection);
        if (_layouts.TryGetValue(collection, out var layout) &&
            (registered is null ? !layout.Registered : ReferenceEquals(layout.Schema, registered)))
        {
            return layout;
        }

        lock (_layoutGate)
        {
            if (_layouts.TryGetValue(collection, out layout) &&
                (registered is null ? !layout.Registered : ReferenceEquals(layout.Schema, registered)))
            {
                return layout;
            }

            layout = new SqliteLayout(registered ?? new CollectionSchema(collection, stateType), registered is not null);
            var prepared = layout;
            Writes.RunAsync(session => SqliteMigrations.Migrate(session, prepared)).GetAwaiter().GetResult();
            _layouts[collection] = layout;
            return layout;
        }
    }

    /// <summary>True when the collection's table exists (a read of a collection never written needs no table).</summary>
    internal bool HasTable(string collection) => _layouts.ContainsKey(collection) ||
        Read(s => s.Scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @p0", collection)) is not null;

    /// <summary>Creates or migrates the tables of every registered schema (the known ones at open; tests call it again). Idempotent.</summary>
    public void EnsureSchemas()
    {
        KnownSchemas.Register();
        foreach (var schema in CollectionSchemas.All)
        {
            Layout(schema.Name, schema.StateType);
        }
    }

    /// <summary>
    /// Writes a consistent copy of the database to <paramref name="file"/> (<c>VACUUM INTO</c> on a reader: the
    /// last committed state; writes go on meanwhile). The file must not exist. Start with it as crm.db to restore.
    /// </summary>
    public void BackupTo(string file)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        var target = Path.GetFullPath(file);
        if (File.Exists(target))
        {
            throw new IOException($"The backup file '{target}' exists already; choose a new name.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Read(session => session.ExecuteOnce($"VACUUM INTO {SqliteNames.Literal(target)}"));
    }

    /// <summary>Backs up the database of a data directory from another process (the CLI), while the service may run: a read-only connection.</summary>
    public static void BackupDirectory(string dataDirectory, string file)
    {
        var source = Path.Combine(Path.GetFullPath(dataDirectory), DatabaseFileName);
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"There is no database '{source}' to back up.", source);
        }

        EnsureSqliteFile(source);
        var target = Path.GetFullPath(file);
        if (File.Exists(target))
        {
            throw new IOException($"The backup file '{target}' exists already; choose a new name.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = source,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 10000";
        command.ExecuteNonQuery();
        command.CommandText = $"VACUUM INTO {SqliteNames.Literal(target)}";
        command.ExecuteNonQuery();
    }

    /// <summary>Every table with its row count and index names (for <c>check-db</c>).</summary>
    public IReadOnlyList<(string Table, long Rows, IReadOnlyList<string> Indexes)> Describe() => ReadSnapshot(session =>
    {
        var tables = new List<string>();
        using (var reader = session.Command(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL%' " +
            "AND name NOT LIKE '%\\_\\_fts%' ESCAPE '\\' ORDER BY name").ExecuteReader())
        {
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        return tables.Select(table =>
        {
            var rows = (long)session.Scalar($"SELECT count(*) FROM {SqliteNames.Quote(table)}")!;
            var indexes = new List<string>();
            using var reader = session.Command("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = @p0 ORDER BY name", table).ExecuteReader();
            while (reader.Read())
            {
                indexes.Add(reader.GetString(0));
            }

            return (table, rows, (IReadOnlyList<string>)indexes);
        }).ToList();
    });

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Writes.Dispose(); // runs the writes already queued first
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }

        _writer.Dispose();
        _lockFile?.Dispose();
    }

    private void Initialize()
    {
        Writes.RunAsync(SqliteMigrations.CreateStoreTables).GetAwaiter().GetResult();
        EnsureSchemas();
    }

    private static SqliteSession Open(string connectionString, bool writer, SqliteDurability durability)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        var session = new SqliteSession(connection);
        try
        {
            session.ExecuteOnce("PRAGMA busy_timeout = 10000");
            // Small page caches: a cache is a private copy of pages the OS page cache holds anyway (four readers with
            // 32 MiB each held ~100 MiB), and a big writer cache costs CPU at every commit (perf under PATCH load:
            // SQLite's pcache1TruncateUnsafe on the writer thread took 4% of the service's CPU with 32 MiB, ~0 with 4 MiB).
            session.ExecuteOnce(writer ? "PRAGMA cache_size = -4096" : "PRAGMA cache_size = -8192");
            session.ExecuteOnce("PRAGMA temp_store = MEMORY");
            if (writer)
            {
                session.ExecuteOnce("PRAGMA journal_mode = WAL");
                session.ExecuteOnce(durability == SqliteDurability.Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
                session.ExecuteOnce("PRAGMA wal_autocheckpoint = 4000");
                session.ExecuteOnce("PRAGMA journal_size_limit = 67108864");
            }

            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    // An existing file must start with SQLite's header: anything else (a LiteDB crm.db) is refused before SQLite opens it.
    private static void EnsureSqliteFile(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (stream.Length == 0)
        {
            return;
        }

        var header = new byte[SqliteHeader.Length];
        var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read < header.Length || !header.AsSpan().SequenceEqual(SqliteHeader))
        {
            throw new NotASqliteDatabaseException(path);
        }
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
}
