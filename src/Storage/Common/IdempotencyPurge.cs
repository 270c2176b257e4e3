using CrmChatbot.Idempotency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Storage;

/// <summary>
/// Deletes expired Idempotency-Key records at start and then every <see cref="IdempotencyOptions.PurgeInterval"/>.
/// Every silo runs it: the delete is one idempotent statement, so there is nothing to coordinate and no single
/// silo whose loss stops it. The grain treats an expired record as gone even before the purge reaches it.
/// </summary>
public sealed class IdempotencyPurge(
    IIdempotencyRecords records, IOptions<IdempotencyOptions> options, ILogger<IdempotencyPurge>? logger = null) : BackgroundService
{
    private readonly ILogger _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<IdempotencyPurge>.Instance;

    /// <summary>One sweep; returns how many records were deleted.</summary>
    public Task<long> PurgeOnceAsync(CancellationToken cancellationToken = default) =>
        records.DeleteExpiredAsync(options.Value.Clock.GetUtcNow().UtcDateTime, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, options.Value.Clock);
        do
        {
            try
            {
                var deleted = await PurgeOnceAsync(stoppingToken).ConfigureAwait(false);
                _logger.LogDebug("Deleted {Count} expired idempotency records", deleted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Purging expired idempotency records failed; retrying in {Interval}", options.Value.PurgeInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}

public static class IdempotencyPurgeServiceCollectionExtensions
{
    /// <summary>The store's <see cref="IIdempotencyRecords"/> and the periodic purge over it.</summary>
    internal static IServiceCollection AddIdempotencyPurge<TRecords>(this IServiceCollection services)
        where TRecords : class, IIdempotencyRecords
    {
        services.AddOptions<IdempotencyOptions>();
        services.AddSingleton<IIdempotencyRecords, TRecords>();
        services.AddSingleton<IdempotencyPurge>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IdempotencyPurge>());
        return services;
    }
}
