using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CrmChatbot.Common;

/// <summary>
/// The service's own telemetry: one <see cref="ActivitySource"/> for store operations and one <see cref="Meter"/>,
/// both named <see cref="Name"/> (the host's OpenTelemetry set-up subscribes to that name). Without a listener,
/// starting an activity or adding to an instrument costs next to nothing.
/// </summary>
public static class CrmDiagnostics
{
    public const string Name = "CrmChatbot";

    public static readonly ActivitySource Activities = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Writes the store committed (tag <c>store</c>: sqlite or mongodb).</summary>
    public static readonly Counter<long> StoreWrites = Meter.CreateCounter<long>(
        "crm.store.writes", "{write}", "Writes committed by the store");

    /// <summary>Writes queued for the embedded store's writer and not yet taken into a transaction.</summary>
    public static readonly UpDownCounter<long> StoreWriteQueueDepth = Meter.CreateUpDownCounter<long>(
        "crm.store.write_queue.depth", "{write}", "Writes waiting for the embedded store's writer");

    /// <summary>One embedded-store transaction, BEGIN to COMMIT (a group of writes, one fsync).</summary>
    public static readonly Histogram<double> StoreCommitDuration = Meter.CreateHistogram<double>(
        "crm.store.commit.duration", "s", "Duration of one embedded-store transaction (group commit)");

    /// <summary>Chat messages from a visitor or user that the session took (tag <c>answered_by</c>: assistant, agent).</summary>
    public static readonly Counter<long> ChatTurns = Meter.CreateCounter<long>(
        "crm.chat.turns", "{turn}", "Chat messages taken by chat sessions");

    /// <summary>Starts a client span for a store operation when anyone listens (null otherwise).</summary>
    public static Activity? StartStoreActivity(string system, string operation, string? collection = null)
    {
        var activity = Activities.StartActivity($"{system} {operation}", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("db.system.name", system);
            activity.SetTag("db.operation.name", operation);
            if (collection is not null)
            {
                activity.SetTag("db.collection.name", collection);
            }
        }

        return activity;
    }
}
