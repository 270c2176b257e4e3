using System.Globalization;
using CrmChatbot.Common;
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
    /// <summary>Helper field of lead documents: the invariant lower-case name, for the case-insensitive name sort.</summary>
    public const string NameLowerField = "name_lower";

    /// <summary>
    /// Helper field of lead and user documents: the invariant lower-case values of the text-searchable
    /// state fields (an array), matched with a case-sensitive escaped regex. This is exactly LiteDB's
    /// <c>INDEXOF(LOWER(field), needle)</c>, and does not depend on the server's regex case folding
    /// (jongodb folds ASCII only).
    /// </summary>
    public const string SearchLowerField = "search_lower";

    /// <summary>The text-searchable state fields of each collection.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> TextFields { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [StorageNames.Leads] = [LeadFields.Name, LeadFields.Email, LeadFields.Company],
        [StorageNames.Users] = [UserFields.Name, UserFields.Email],
    };

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
    /// Client settings from the URL with the option timeouts applied. <c>serverMonitoringMode=poll</c> is
    /// added unless the URL sets a mode: harmless on MongoDB, required on jongodb (streaming monitoring
    /// keeps pausing the pool there).
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
        if (options.ConnectionString.IndexOf("serverMonitoringMode", StringComparison.OrdinalIgnoreCase) < 0)
        {
            settings.ServerMonitoringMode = ServerMonitoringMode.Poll;
        }

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
        return MongoFailures.RunAsync(Description, what, Options.OperationTimeout, operation, cancellationToken);
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
    /// Creates the indexes of the leads and users collections. Idempotent (an existing index with the
    /// same name and keys is left alone), called once at start.
    /// </summary>
    public Task EnsureIndexesAsync(CancellationToken cancellationToken = default) =>
        RunAsync(
            "index creation",
            async ct =>
            {
                await GetCollection(StorageNames.Leads).Indexes.CreateManyAsync(LeadIndexes(), ct).ConfigureAwait(false);
                await GetCollection(StorageNames.Users).Indexes.CreateManyAsync(UserIndexes(), ct).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>A path inside the state sub-document, e.g. <c>state.owner_id</c>.</summary>
    public static string StatePath(string field) => $"{DocumentFields.State}.{field}";

    /// <summary>
    /// Helper fields written next to <c>state</c> for a collection, derived from the state only
    /// (leads: <see cref="NameLowerField"/> and <see cref="SearchLowerField"/>; users: <see cref="SearchLowerField"/>).
    /// Empty for other collections.
    /// </summary>
    public static IEnumerable<BsonElement> HelperFields(string stateName, BsonValue state)
    {
        var doc = state as BsonDocument;
        if (stateName == StorageNames.Leads)
        {
            yield return new BsonElement(NameLowerField, LowerString(doc, LeadFields.Name) is { } name ? name : BsonNull.Value);
        }

        if (TextFields.TryGetValue(stateName, out var fields))
        {
            yield return new BsonElement(
                SearchLowerField,
                new BsonArray(fields.Select(f => LowerString(doc, f)).OfType<string>()));
        }
    }

    private static string? LowerString(BsonDocument? doc, string field) =>
        doc is not null && doc.TryGetValue(field, out var value) && value.IsString ? value.AsString.ToLowerInvariant() : null;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _client.Dispose();
    }

    private static IEnumerable<CreateIndexModel<BsonDocument>> LeadIndexes()
    {
        var keys = Builders<BsonDocument>.IndexKeys;
        var createdAt = StatePath(LeadFields.CreatedAt);
        yield return Index(LeadFields.Status, keys.Ascending(StatePath(LeadFields.Status)));
        yield return Index(LeadFields.Source, keys.Ascending(StatePath(LeadFields.Source)));
        yield return Index(LeadFields.OwnerId, keys.Ascending(StatePath(LeadFields.OwnerId)));
        yield return Index(LeadFields.CreatedAt, keys.Descending(createdAt).Descending(DocumentFields.Id));
        yield return Index(LeadFields.UpdatedAt, keys.Descending(StatePath(LeadFields.UpdatedAt)).Descending(DocumentFields.Id));
        yield return Index(NameLowerField, keys.Ascending(NameLowerField).Ascending(DocumentFields.Id));
        // The default list (newest first) under each equality filter.
        yield return Index($"{LeadFields.Status}_{LeadFields.CreatedAt}", keys.Ascending(StatePath(LeadFields.Status)).Descending(createdAt).Descending(DocumentFields.Id));
        yield return Index($"{LeadFields.Source}_{LeadFields.CreatedAt}", keys.Ascending(StatePath(LeadFields.Source)).Descending(createdAt).Descending(DocumentFields.Id));
        yield return Index($"{LeadFields.OwnerId}_{LeadFields.CreatedAt}", keys.Ascending(StatePath(LeadFields.OwnerId)).Descending(createdAt).Descending(DocumentFields.Id));
    }

    private static IEnumerable<CreateIndexModel<BsonDocument>> UserIndexes()
    {
        var keys = Builders<BsonDocument>.IndexKeys;
        yield return Index(UserFields.UserId, keys.Ascending(StatePath(UserFields.UserId)), unique: true);
        yield return Index(UserFields.Role, keys.Ascending(StatePath(UserFields.Role)));
        yield return Index(UserFields.CreatedAt, keys.Ascending(StatePath(UserFields.CreatedAt)).Ascending(DocumentFields.Id));
    }

    private static CreateIndexModel<BsonDocument> Index(string name, IndexKeysDefinition<BsonDocument> keys, bool unique = false) =>
        new(keys, new CreateIndexOptions { Name = name, Unique = unique ? true : null });

    private static void ThrowIfNotPositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be positive.");
        }
    }
}
