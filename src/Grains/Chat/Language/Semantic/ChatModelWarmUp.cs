using System.Diagnostics;
using System.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Chat.Language.Semantic;

/// <summary>
/// Loads the embedding model and the example vectors in the background once the host has started, so the first
/// visitor does not wait for them; start-up does not wait either (a turn that needs them first waits for the same
/// load). Logs
/// the time and the process memory the load added (the benchmark reads this line).
/// </summary>
internal sealed partial class ChatModelWarmUp(LanguageEngine engine, IHostApplicationLifetime lifetime, ILogger<ChatModelWarmUp> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (engine.HasSemanticLayer)
        {
            // After start-up, so the memory it reports is the model's and start-up does not compete with it.
            lifetime.ApplicationStarted.Register(() => Task.Run(Warm, CancellationToken.None));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Warm()
    {
        var before = Environment.WorkingSet;
        var clock = Stopwatch.StartNew();
        if (engine.WarmUp())
        {
            // The model is read from the assembly into a ~90 MB array that ONNX Runtime copies; returning that
            // garbage to the OS once at start-up took ~100 MB off the process (measured: +340 MB -> +240 MB).
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            LogReady(logger, clock.ElapsedMilliseconds, (Environment.WorkingSet - before) / (1024 * 1024));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat embeddings loaded in {Milliseconds} ms, process memory +{Megabytes} MB")]
    private static partial void LogReady(ILogger logger, long milliseconds, long megabytes);
}
