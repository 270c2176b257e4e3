using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Chat.Broadcast;

/// <summary>
/// The items on their way to one other silo, sent by one background loop: a call waits for the
/// previous one, so that silo sees them in publishing order (Orleans does not order concurrent calls,
/// least of all while the relay activates). Bounded in both time and memory: a call that takes longer
/// than <see cref="SiloRelayOutbox.SendTimeout"/> is given up (logged, not retried, so never delivered
/// twice), and beyond <see cref="SiloRelayOutbox.Capacity"/> waiting items the oldest are dropped
/// (logged), so a slow or dead silo costs the publisher nothing and the other silos nothing.
/// </summary>
public sealed class SiloRelayOutbox<T> : IAsyncDisposable
{
    private readonly Channel<T> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly SiloAddress _silo;
    private readonly Func<IReadOnlyList<T>, Task> _send;
    private readonly Func<T, string> _describe;
    private readonly ILogger _logger;

    /// <param name="send">Delivers one batch to the silo (its relay grain).</param>
    /// <param name="describe">Names an item in log lines, e.g. "a live update of chat session X".</param>
    public SiloRelayOutbox(SiloAddress silo, Func<IReadOnlyList<T>, Task> send, Func<T, string> describe, ILogger logger)
    {
        _silo = silo;
        _send = send;
        _describe = describe;
        _logger = logger;
        _queue = Channel.CreateBounded<T>(
            new BoundedChannelOptions(SiloRelayOutbox.Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => _logger.LogWarning("Silo {Silo} is not keeping up: dropped {Item}", _silo, _describe(dropped)));
        // Off any grain's scheduler: the loop outlives the request or grain turn that started it.
        _loop = Task.Run(SendLoopAsync);
    }

    public SiloAddress Silo => _silo;

    /// <summary>Queues the item; never waits.</summary>
    public void Enqueue(T item) => _queue.Writer.TryWrite(item);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task SendLoopAsync()
    {
        var batch = new List<T>(SiloRelayOutbox.MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token))
            {
                batch.Clear();
                while (batch.Count < SiloRelayOutbox.MaxBatch && _queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                try
                {
                    await _send([.. batch]).WaitAsync(SiloRelayOutbox.SendTimeout, _stop.Token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    _logger.LogWarning(ex, "Relaying {Count} item(s), the first {Item}, to silo {Silo} failed", batch.Count, _describe(batch[0]), _silo);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }
}

/// <summary>The bounds every <see cref="SiloRelayOutbox{T}"/> shares.</summary>
public static class SiloRelayOutbox
{
    public const int Capacity = 1000;
    public const int MaxBatch = 100;
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);
}
