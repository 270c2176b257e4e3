using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Chat.Broadcast;

/// <summary>
/// The updates on their way to one other silo, sent by one background loop: a call waits for the
/// previous one, so that silo sees them in publishing order (Orleans does not order concurrent calls,
/// least of all while the relay activates). Bounded in both time and memory: a call that takes longer
/// than <see cref="SendTimeout"/> is given up (logged, not retried, so never delivered twice), and
/// beyond <see cref="Capacity"/> waiting updates the oldest are dropped (logged), so a slow or dead
/// silo costs the publisher nothing and the other silos nothing.
/// </summary>
public sealed class SiloRelayOutbox : IAsyncDisposable
{
    public const int Capacity = 1000;
    public const int MaxBatch = 100;
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<ChatLiveUpdate> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly SiloAddress _silo;
    private readonly IChatRelayGrain _relay;
    private readonly ILogger _logger;

    public SiloRelayOutbox(SiloAddress silo, IGrainFactory grains, ILogger logger)
    {
        _silo = silo;
        _relay = grains.GetGrain<IChatRelayGrain>(ClusterChatBroadcast.RelayKey(silo));
        _logger = logger;
        _queue = Channel.CreateBounded<ChatLiveUpdate>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => _logger.LogWarning("Silo {Silo} is not keeping up: dropped a live update of chat session {SessionId}", _silo, dropped.SessionId));
        // Off any grain's scheduler: the loop outlives the request or grain turn that started it.
        _loop = Task.Run(SendLoopAsync);
    }

    public SiloAddress Silo => _silo;

    /// <summary>Queues the update; never waits.</summary>
    public void Enqueue(ChatLiveUpdate update) => _queue.Writer.TryWrite(update);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task SendLoopAsync()
    {
        var batch = new List<ChatLiveUpdate>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var update))
                {
                    batch.Add(update);
                }

                try
                {
                    await _relay.RelayAsync([.. batch]).WaitAsync(SendTimeout, _stop.Token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    _logger.LogWarning(ex, "Relaying {Count} live chat update(s) to silo {Silo} failed", batch.Count, _silo);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }
}
