using CrmChatbot.Api.Configuration;
using CrmChatbot.Storage.Sqlite;
using CrmChatbot.Storage.Mongo;
using MongoDB.Driver;

namespace CrmChatbot.Silo;

/// <summary>Opens the configured store before the silo starts; a failure is one line for the operator.</summary>
public static partial class StoreStartup
{
    public static MongoStorageOptions MongoOptions(CrmSettings settings) => new()
    {
        ConnectionString = settings.MongoUrl!,
        DatabaseName = settings.DbName,
        ConnectTimeout = TimeSpan.FromSeconds(settings.MongoTimeoutSeconds),
        ServerSelectionTimeout = TimeSpan.FromSeconds(settings.MongoTimeoutSeconds),
        OperationTimeout = TimeSpan.FromSeconds(settings.MongoTimeoutSeconds * 2),
    };

    /// <summary>Null when the store is open; otherwise the reason start-up must stop.</summary>
    public static async Task<string?> OpenAsync(IServiceProvider services, CrmSettings settings, ILogger logger, CancellationToken stopping)
    {
        if (settings.MongoUrl is null)
        {
            try
            {
                services.GetRequiredService<SqliteStore>();
                return null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
            {
                return $"DATA_DIR {settings.DataDir}: {ex.Message}";
            }
        }

        MongoStore store;
        string where;
        try
        {
            where = string.Join(",", MongoUrl.Create(settings.MongoUrl).Servers.Select(s => $"{s.Host}:{s.Port}"));
            store = services.GetRequiredService<MongoStore>();
        }
        catch (Exception ex) when (ex is MongoConfigurationException or FormatException or ArgumentException)
        {
            return $"MONGO_URL is malformed: {ex.Message.Split('\n')[0]}";
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(settings.MongoStartupTimeoutSeconds);
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.PingAsync(stopping);
                await store.EnsureIndexesAsync(stopping);
                return null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (DateTime.UtcNow + delay >= deadline)
                {
                    return $"MongoDB at {where} is not reachable after {settings.MongoStartupTimeoutSeconds} s " +
                           $"({attempt} attempts): {DbCheckCommand.Classify(ex)}: {ex.Message.Split('\n')[0]}";
                }

                LogRetry(logger, where, attempt, ex.Message.Split('\n')[0]);
                await Task.Delay(delay, stopping);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "MongoDB at {Where} is not reachable yet (attempt {Attempt}): {Reason}; retrying")]
    private static partial void LogRetry(ILogger logger, string where, int attempt, string reason);
}
