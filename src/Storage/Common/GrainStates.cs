using Orleans.Storage;

namespace CrmChatbot.Storage;

/// <summary>What every grain storage of ours does the same way, whatever the store.</summary>
internal static class GrainStates
{
    /// <summary>No record: fresh state, no etag.</summary>
    public static void Reset<T>(IGrainState<T> grainState)
    {
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <summary>The optimistic-concurrency failure Orleans expects, naming both etags.</summary>
    public static InconsistentStateException Conflict(
        string operation, string stateName, string id, string? stored, string? given, Exception? inner)
    {
        var message =
            $"ETag mismatch on {operation} of '{stateName}/{id}': stored etag {stored ?? "<none: no record>"}, " +
            $"given etag {given ?? "<none: expected no record>"}.";
        return inner is null
            ? new InconsistentStateException(message, stored ?? "", given ?? "")
            : new InconsistentStateException(message, stored ?? "", given ?? "", inner);
    }
}
