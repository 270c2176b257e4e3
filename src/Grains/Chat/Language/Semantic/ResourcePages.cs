using System.Reflection;
using System.Runtime.InteropServices;

namespace CrmChatbot.Chat.Language.Semantic;

/// <summary>
/// Gives back the memory pages of a large embedded resource once it has been copied elsewhere. Reading a manifest
/// resource faults the assembly's file mapping into the process, and those clean pages stay counted in its resident
/// memory for as long as the assembly is loaded (~87 MB for the embedding model, which ONNX Runtime has copied).
/// </summary>
internal static partial class ResourcePages
{
    private const int MadviseDontNeed = 4;

    /// <summary>Drops the resource's whole pages from the process (Linux); a later read faults them in again from the file.</summary>
    public static unsafe void Release(Assembly assembly, string resourceFile)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var stream = assembly.GetManifestResourceStream($"{assembly.GetName().Name}.Resources.{resourceFile}") as UnmanagedMemoryStream;
        if (stream is null)
        {
            return;
        }

        var pageSize = Environment.SystemPageSize;
        var start = (nuint)stream.PositionPointer;
        var first = (start + (nuint)pageSize - 1) & ~((nuint)pageSize - 1);
        var end = (start + (nuint)stream.Length) & ~((nuint)pageSize - 1);
        if (end > first)
        {
            // Only whole pages inside the resource: the mapping is private and read-only, so its pages are clean and
            // MADV_DONTNEED only unmaps them; failure is harmless (the pages simply stay).
            _ = Madvise(first, end - first, MadviseDontNeed);
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nuint address, nuint length, int advice);
}
