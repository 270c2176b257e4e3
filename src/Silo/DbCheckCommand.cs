using System.Net.Sockets;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Common;
using CrmChatbot.Storage.Sqlite;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrmChatbot.Silo;

/// <summary>
/// <c>check-db</c>: connects to the configured store, prints what is there, and exits 0, or 1 with
/// one clear reason (malformed URL, DNS, refused, authentication failed, timeout).
/// </summary>
public static class DbCheckCommand
{
    /// <summary>Collections the service writes; listed even where the server cannot list collections.</summary>
    private static readonly string[] KnownCollections = [StorageNames.Leads, StorageNames.Users, "reminders"];

    public static async Task<int> RunAsync(CrmSettings settings, TextWriter output, TextWriter error)
    {
        return settings.MongoUrl is null
            ? CheckEmbedded(settings, output, error)
            : await CheckMongoAsync(settings, output, error);
    }

    private static int CheckEmbedded(CrmSettings settings, TextWriter output, TextWriter error)
    {
        output.WriteLine("MONGO_URL is not set: checking the embedded store.");
        try
        {
            using var store = new SqliteStore(settings.DataDir);
            output.WriteLine($"store: {store.Description}");
            foreach (var (name, rows, indexes) in store.Describe())
            {
                output.WriteLine($"  {name}: {rows} rows; indexes: {string.Join(", ", indexes)}");
            }

            output.WriteLine("OK");
            return 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            error.WriteLine($"error: embedded store at {settings.DataDir}: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> CheckMongoAsync(CrmSettings settings, TextWriter output, TextWriter error)
    {
        MongoUrl url;
        try
        {
            url = MongoUrl.Create(settings.MongoUrl!);
        }
        catch (Exception ex) when (ex is MongoConfigurationException or FormatException or ArgumentException)
        {
            error.WriteLine($"error: malformed URL: MONGO_URL cannot be parsed ({ex.Message})");
            return 1;
        }

        var where = string.Join(",", url.Servers.Select(s => $"{s.Host}:{s.Port}"));
        var clientSettings = MongoClientSettings.FromUrl(url);
        var timeout = TimeSpan.FromSeconds(settings.MongoTimeoutSeconds);
        clientSettings.ConnectTimeout = timeout;
        clientSettings.ServerSelectionTimeout = timeout;
        clientSettings.SocketTimeout = timeout;
        using var client = new MongoClient(clientSettings);
        var database = client.GetDatabase(settings.DbName);
        try
        {
            await database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1));
            var buildInfo = await database.RunCommandAsync<BsonDocument>(new BsonDocument("buildInfo", 1));
            output.WriteLine($"server: {where}");
            output.WriteLine($"version: {buildInfo.GetValue("version", "unknown")}");
            output.WriteLine($"database: {settings.DbName}");
            foreach (var name in await CollectionNamesAsync(database))
            {
                var collection = database.GetCollection<BsonDocument>(name);
                var count = await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty);
                var indexes = await (await collection.Indexes.ListAsync()).ToListAsync();
                var names = indexes.Select(i => i.GetValue("name", "?").ToString());
                output.WriteLine($"  {name}: {count} documents; indexes: {string.Join(", ", names)}");
            }

            output.WriteLine("OK");
            return 0;
        }
        catch (Exception ex)
        {
            error.WriteLine($"error: {Classify(ex)}: MongoDB at {where}: {Reason(ex)}");
            return 1;
        }
    }


    private static async Task<IReadOnlyList<string>> CollectionNamesAsync(IMongoDatabase database)
    {
        try
        {
            var names = await (await database.ListCollectionNamesAsync()).ToListAsync();
            return [.. names.Union(KnownCollections).Order(StringComparer.Ordinal)];
        }
        catch (MongoCommandException)
        {
            // Some MongoDB-compatible servers cannot list collections: report the ones we use.
            return KnownCollections;
        }
    }

    /// <summary>The failure class an operator acts on.</summary>
    public static string Classify(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case MongoAuthenticationException:
                    return "authentication failed";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return "DNS lookup failed";
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "connection refused";
            }
        }

        var text = ex.ToString();
        if (text.Contains("Name or service not known", StringComparison.OrdinalIgnoreCase) ||
            text.Contains("No such host", StringComparison.OrdinalIgnoreCase) ||
            text.Contains("nodename nor servname", StringComparison.OrdinalIgnoreCase))
        {
            return "DNS lookup failed";
        }

        if (text.Contains("Connection refused", StringComparison.OrdinalIgnoreCase))
        {
            return "connection refused";
        }

        if (text.Contains("Authentication failed", StringComparison.OrdinalIgnoreCase))
        {
            return "authentication failed";
        }

        return ex is TimeoutException || text.Contains("timed out", StringComparison.OrdinalIgnoreCase) ||
               text.Contains("timeout", StringComparison.OrdinalIgnoreCase)
            ? "timeout"
            : "unavailable";
    }

    private static string Reason(Exception ex)
    {
        var innermost = ex;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        var first = ex.Message.Split('\n')[0].Trim();
        return innermost == ex ? first : $"{first} ({innermost.Message.Split('\n')[0].Trim()})";
    }
}
