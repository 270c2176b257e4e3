using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Mongo;

/// <summary>
/// Calls <see cref="MongoStore.EnsureIndexesAsync"/> once at start: as a silo lifecycle step (before
/// grain storage is used) in a silo, and as a hosted service in any host. Whichever runs first does
/// the work, the other awaits it. A failure (e.g. MongoDB unreachable) fails the start with a
/// <see cref="Common.StorageUnavailableException"/>; the next attempt retries.
/// </summary>
public sealed class MongoIndexInitializer : IHostedService, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly MongoStore _store;
    private readonly Lock _gate = new();
    private Task? _run;

    public MongoIndexInitializer(MongoStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public Task EnsureAsync(CancellationToken cancellationToken = default)
    {
        Task run;
        lock (_gate)
        {
            if (_run is null || _run.IsFaulted || _run.IsCanceled)
            {
                _run = _store.EnsureIndexesAsync(cancellationToken);
            }

            run = _run;
        }

        return run.WaitAsync(cancellationToken);
    }

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(MongoIndexInitializer), ServiceLifecycleStage.RuntimeStorageServices, EnsureAsync);
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => EnsureAsync(cancellationToken);

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
