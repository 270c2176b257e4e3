using System.Globalization;
using CrmChatbot.Common;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Schemas;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Servers;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// The process-wide MongoDB connection: ONE <see cref="MongoClient"/> built from
/// <see cref="MongoStorageOptions"/> (timeouts applied) and the CRM database. Create one per process
/// and share it; every operation goes through <see cref="RunAsync{T}"/> so that outages surface as
/// <see cref="StorageUnavailableException"/>.
/// </summary>
public sealed class MongoStore : IDisposable
{
    private readonly MongoClient _client;
    private int _disposed;

    public MongoStore(MongoStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DatabaseName, nameof(options));
        ThrowIfNotPositive(options.ConnectTimeout, nameof(options.ConnectTimeout));
        ThrowIfNotPositive(options.ServerSelectionTimeout, nameof(options.ServerSelectionTimeout));
        ThrowIfNotPositive(options.OperationTimeout, nameof(options.OperationTimeout));
        MongoMapping.EnsureRegistered();
        KnownSchemas.Register();

        Options = options;
        var settings = CreateClientSettings(options);
        Description = $"MongoDB {string.Join(",", settings.Servers.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Host}:{s.Port}")))}/{options.DatabaseName}";
        _client = new MongoClient(settings);
        Database = _client.GetDatabase(options.DatabaseName);
    }

    public MongoStorageOptions Options { get; }

    public IMongoClient Client => _client;

    public IMongoDatabase Database { get; }

    /// <summary>"MongoDB host:port/database": no user name, password or options.</summary>
    public string Description { get; }

    /// <summary>
    /// Client settings from the URL with the option timeouts applied. Every other driver option (monitoring
    /// mode, heartbeat, TLS, ...) is the URL's: settings a test server needs belong in the tests' URL.
    /// </summary>
    public static MongoClientSettings CreateClientSettings(MongoStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("The MongoDB connection string is empty.", nameof(options));
        }

        MongoClientSettings settings;
        try
        {
            settings = MongoClientSettings.FromConnectionString(options.ConnectionString);
        }
        catch (Exception e) when (e is MongoConfigurationException or ArgumentException or FormatException)
        {
            // The driver's message may echo the URL (and its password): not passed on.
            throw new ArgumentException(
                "The MongoDB connection string is not a valid mongodb:// or mongodb+srv:// URL.", nameof(options));
        }

        settings.ConnectTimeout = options.ConnectTimeout;
        settings.ServerSelectionTimeout = options.ServerSelectionTimeout;
        settings.SocketTimeout = options.OperationTimeout;
        return settings;
    }

    public IMongoCollection<BsonDocument> GetCollection(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Database.GetCollection<BsonDocument>(name);
    }

    /// <summary>Runs one operation with the operation timeout; outages become <see cref="StorageUnavailableException"/>.</summary>
    public Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return CrmDiagnostics.Activities.HasListeners()
            ? TracedAsync(what, operation, cancellationToken)
            : MongoFailures.RunAsync(Description, what, Options.OperationTimeout, operation, cancellationToken);
    }

    // An async method, so the span is Activity.Current only inside it, never for the caller after it returns.
    private async Task<T> TracedAsync<T>(string what, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        // Span names stay low-cardinality ("mongodb write"); the full description (with ids) is a tag.
        using var activity = CrmDiagnostics.StartStoreActivity("mongodb", what.Split(' ', 2)[0]);
        activity?.SetTag("crm.store.operation", what);
        try
        {
            return await MongoFailures.RunAsync(Description, what, Options.OperationTimeout, operation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
    }

    public Task RunAsync(string what, Func<CancellationToken, Task> operation, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return MongoFailures.RunAsync(Description, what, Options.OperationTimeout, operation, cancellationToken);
    }

    /// <summary>Completes when the server answers a ping.</summary>
    public Task PingAsync(CancellationToken cancellationToken = default) =>
        RunAsync("ping", ct => Database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: ct), cancellationToken);

    /// <summary>
    /// Creates the indexes of every registered schema (<see cref="KnownSchemas"/> and any registered
    /// later). Idempotent (an existing index with the same name and keys is left alone), called once at start.
    /// </summary>
    public Task EnsureIndexesAsync(CancellationToken cancellationToken = default)
    {
        KnownSchemas.Register();
        var schemas = CollectionSchemas.All.Where(s => s.Indexes.Count > 0).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        return RunAsync(
            "index creation",
            async ct =>
            {
                foreach (var schema in schemas)
                {
                    await GetCollection(schema.Name).Indexes.CreateManyAsync(MongoDocuments.Indexes(schema), ct).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    /// <summary>A path inside the state sub-document, e.g. <c>state.owner_id</c>.</summary>
    public static string StatePath(string field) => $"{DocumentFields.State}.{field}";

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _client.Dispose();
    }

    private static void ThrowIfNotPositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be positive.");
        }
    }
}
