using CrmChatbot.Api.Configuration;
using CrmChatbot.Storage.Membership;
using CrmChatbot.Storage.Mongo;

namespace CrmChatbot.Silo;

/// <summary>
/// Keeps silos on one MongoDB database from running as separate clusters (split brain: each would activate
/// the same grains and serve stale state). A silo with CLUSTERING=localhost on MongoDB holds the database's
/// <see cref="MongoSiloLease"/> while it runs; a second such silo, or a MongoDB-clustered one, refuses to
/// start while the lease is alive. A lease left by a killed silo is not renewed and expires within
/// <see cref="Duration"/>: start-up waits that long before deciding, and refuses at once if it sees a renewal.
/// </summary>
public sealed partial class SiloLeaseGuard : IAsyncDisposable
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);

    private readonly MongoSiloLease _lease;
    private readonly CrmSettings _settings;
    private readonly CancellationTokenSource _stop = new();
    private Task? _renewing;

    private SiloLeaseGuard(MongoSiloLease lease, CrmSettings settings)
    {
        _lease = lease;
        _settings = settings;
    }

    /// <summary>
    /// Null on MongoDB-clustered silos once no single silo holds the database, or the lease taken by this
    /// silo (CLUSTERING=localhost); a failure is the one line start-up prints.
    /// </summary>
    public static async Task<(SiloLeaseGuard? Guard, string? Failure)> CheckAsync(MongoStore store, CrmSettings settings, CancellationToken stopping)
    {
        var description = $"{Environment.MachineName} pid {Environment.ProcessId}, started {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z";
        var lease = new MongoSiloLease(store, Guid.NewGuid().ToString("N"), description, TimeProvider.System);
        var take = settings.Clustering == ClusteringMode.Localhost;
        var deadline = DateTime.UtcNow + Duration + PollEvery;
        SiloLeaseHolder? seen = null;
        while (true)
        {
            var holder = take ? await lease.TryAcquireAsync(Duration, stopping) : await lease.ReadAsync(stopping);
            if (holder is null)
            {
                return (take ? new SiloLeaseGuard(lease, settings) : null, null);
            }

            // A live holder renews: its expiry moves. A dead one's lease runs out by the deadline.
            if ((seen is not null && holder.ExpiresAt != seen.ExpiresAt) || DateTime.UtcNow >= deadline)
            {
                return (null, Refusal(settings, holder));
            }

            seen = holder;
            await Task.Delay(PollEvery, stopping);
        }
    }

    private static string Refusal(CrmSettings settings, SiloLeaseHolder holder) => settings.Clustering == ClusteringMode.Localhost
        ? $"another silo ({holder.Description}) runs with CLUSTERING=localhost on MongoDB database {settings.DbName}: two single-silo " +
          "clusters on one database would each activate the same entities; stop it, or run every silo with CLUSTERING=mongo (the default with MONGO_URL)"
        : $"a silo with CLUSTERING=localhost ({holder.Description}) is using MongoDB database {settings.DbName} as a cluster of its own: " +
          "stop it before starting silos with CLUSTERING=mongo";

    /// <summary>Renews the lease until disposed; if it is ever lost (this process stalled past its expiry), stops the service.</summary>
    public void KeepRenewing(IHostApplicationLifetime lifetime, ILogger logger)
    {
        _renewing = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(RenewEvery, _stop.Token);
                    if (await _lease.TryAcquireAsync(Duration, _stop.Token) is { } other)
                    {
                        LogLost(logger, _settings.DbName, other.Description);
                        lifetime.StopApplication();
                        return;
                    }
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is CrmChatbot.Common.StorageUnavailableException or MongoDB.Driver.MongoException)
                {
                    // An outage: the lease holds for its duration; the next renewal tries again.
                    LogRenewFailed(logger, ex.Message);
                }
            }
        });
    }

    /// <summary>Stops renewing and gives the lease back (after the silo has stopped).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_renewing is not null)
        {
            await _renewing;
        }

        try
        {
            await _lease.ReleaseAsync();
        }
        catch (Exception ex) when (ex is CrmChatbot.Common.StorageUnavailableException or MongoDB.Driver.MongoException)
        {
            // It expires by itself.
        }

        _stop.Dispose();
    }

    [LoggerMessage(LogLevel.Critical, "The single-silo lease on MongoDB database {Database} was taken by another silo ({Holder}): stopping, so that two silos never serve the same entities")]
    private static partial void LogLost(ILogger logger, string database, string holder);

    [LoggerMessage(LogLevel.Warning, "Could not renew the single-silo lease: {Reason}; retrying")]
    private static partial void LogRenewFailed(ILogger logger, string reason);
}
