using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Chat.Language.Semantic;

/// <summary>A labelled sentence of the classifier's training data.</summary>
public sealed record IntentExample(string Text, Intent Intent, string? FaqId = null);

/// <summary>The semantic reading of a message: the intent its nearest examples vote for.</summary>
/// <param name="Similarity">Cosine similarity of the closest example with that intent (0..1).</param>
/// <param name="Share">That intent's share of the neighbours' similarity-weighted votes (0..1).</param>
/// <param name="FaqId">For <see cref="Intent.Faq"/>: the entry of the closest FAQ example.</param>
public sealed record SemanticMatch(Intent Intent, double Similarity, double Share, string? FaqId);

/// <summary>
/// Intent by k nearest neighbours over sentence embeddings of labelled examples (the shipped
/// <c>intent-examples.json</c>, built from the tuning corpus). The examples are embedded once per process on first use
/// (thread-safe, shared by every engine with the same model and examples) and, when a cache directory is given,
/// their vectors are kept on disk keyed by a hash of model and examples, so a restart skips the ~3 s of embedding.
/// If the model cannot be loaded the classifier logs one warning and answers nothing: the rules decide alone.
/// </summary>
public sealed partial class SemanticIntentClassifier
{
    /// <summary>Neighbours that vote.</summary>
    public const int K = 5;

    private static readonly ConcurrentDictionary<string, Lazy<float[][]>> Indexes = new(StringComparer.Ordinal);

    private readonly Func<IIntentEmbedder> embedderFactory;
    private readonly IReadOnlyList<IntentExample> examples;
    private readonly string? cacheDirectory;
    private readonly ILogger logger;
    private readonly Lazy<(IIntentEmbedder Embedder, float[][] Vectors)?> index;

    public SemanticIntentClassifier(Func<IIntentEmbedder> embedderFactory, IReadOnlyList<IntentExample> examples, ILogger logger, string? cacheDirectory = null)
    {
        this.embedderFactory = embedderFactory;
        this.examples = examples;
        this.logger = logger;
        this.cacheDirectory = cacheDirectory;
        index = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The shipped model and examples; vectors cached under <paramref name="cacheDirectory"/> when given.</summary>
    public static SemanticIntentClassifier CreateDefault(ILogger logger, string? cacheDirectory = null) =>
        new(() => MiniLmEmbedder.Shared, ShippedExamples.Value, logger, cacheDirectory);

    /// <summary>The training data compiled into this assembly (Chat/Language/intent-examples.json).</summary>
    public static Lazy<IReadOnlyList<IntentExample>> ShippedExamples { get; } = new(() =>
    {
        using var stream = typeof(SemanticIntentClassifier).Assembly.GetManifestResourceStream("CrmChatbot.Chat.Language.intent-examples.json")
            ?? throw new InvalidOperationException("intent-examples.json is not embedded in the assembly.");
        using var doc = JsonDocument.Parse(stream);
        return [.. doc.RootElement.GetProperty("examples").EnumerateArray().Select(e => new IntentExample(
            e.GetProperty("text").GetString()!,
            Enum.Parse<Intent>(e.GetProperty("intent").GetString()!),
            e.TryGetProperty("faq_id", out var faq) ? faq.GetString() : null))];
    });

    public IReadOnlyList<IntentExample> Examples => examples;

    /// <summary>Tests only: another number of voting neighbours than <see cref="K"/> (leave-one-out calibration).</summary>
    internal int Neighbours { get; init; } = K;

    /// <summary>Loads the model and embeds the examples now (start-up warm-up); false when the model is unavailable.</summary>
    public bool Warm() => index.Value is not null;

    /// <summary>
    /// The intent the message's nearest examples vote for; null when the model is unavailable. An example whose text
    /// equals <paramref name="leaveOut"/> is ignored (leave-one-out accuracy of the tuning corpus).
    /// </summary>
    public SemanticMatch? Classify(string text, string? leaveOut = null)
    {
        if (index.Value is not { } loaded)
        {
            return null;
        }

        var vector = loaded.Embedder.Embed([text])[0];
        var k = Neighbours;
        var best = new (double Similarity, int Index)[k];
        Array.Fill(best, (-2, -1));
        for (var i = 0; i < loaded.Vectors.Length; i++)
        {
            if (leaveOut is not null && string.Equals(examples[i].Text, leaveOut, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var similarity = Dot(vector, loaded.Vectors[i]);
            if (similarity > best[k - 1].Similarity)
            {
                // Insertion into the small sorted top-K list.
                var j = k - 1;
                while (j > 0 && best[j - 1].Similarity < similarity)
                {
                    best[j] = best[j - 1];
                    j--;
                }

                best[j] = (similarity, i);
            }
        }

        // A (near) copy of an example is that example's intent, whatever its neighbours say.
        if (best[0].Index >= 0 && best[0].Similarity >= 0.97)
        {
            var twin = examples[best[0].Index];
            return new SemanticMatch(twin.Intent, Math.Round(best[0].Similarity, 4), 1, twin.FaqId);
        }

        var votes = new Dictionary<Intent, double>();
        foreach (var (similarity, i) in best.Where(b => b.Index >= 0))
        {
            votes[examples[i].Intent] = votes.GetValueOrDefault(examples[i].Intent) + Math.Max(0, similarity);
        }

        if (votes.Count == 0)
        {
            return null;
        }

        var winner = votes.MaxBy(v => v.Value).Key;
        var closest = best.Where(b => b.Index >= 0 && examples[b.Index].Intent == winner).MaxBy(b => b.Similarity);
        var total = votes.Values.Sum();
        return new SemanticMatch(winner, Math.Round(closest.Similarity, 4), total <= 0 ? 0 : Math.Round(votes[winner] / total, 4), examples[closest.Index].FaqId);
    }

    private (IIntentEmbedder, float[][])? Load()
    {
        try
        {
            var embedder = embedderFactory();
            var key = Hash(embedder.ModelId, examples);
            var vectors = Indexes.GetOrAdd(key, k => new Lazy<float[][]>(() => ReadCache(k) ?? EmbedAndCache(embedder, k))).Value;
            return (embedder, vectors);
        }
        catch (Exception e)
        {
            LogUnavailable(logger, e.GetType().Name + ": " + e.Message);
            return null;
        }
    }

    private float[][] EmbedAndCache(IIntentEmbedder embedder, string key)
    {
        // Small batches: ONNX Runtime keeps its memory arena at the largest batch it ever ran, and one batch of all
        // examples would hold hundreds of MB for the life of the process.
        var vectors = examples.Select(e => e.Text).Chunk(8).SelectMany(batch => embedder.Embed(batch)).ToArray();
        if (cacheDirectory is not null)
        {
            try
            {
                Directory.CreateDirectory(cacheDirectory);
                var path = CachePath(key);
                using (var writer = new BinaryWriter(File.Create(path + ".tmp")))
                {
                    writer.Write(vectors.Length);
                    writer.Write(vectors.Length == 0 ? 0 : vectors[0].Length);
                    foreach (var v in vectors)
                    {
                        foreach (var x in v)
                        {
                            writer.Write(x);
                        }
                    }
                }

                File.Move(path + ".tmp", path, overwrite: true);
            }
            catch (IOException e)
            {
                // The cache only saves start-up time; a read-only data directory must not stop the chat.
                LogCacheFailed(logger, e.Message);
            }
        }

        return vectors;
    }

    private float[][]? ReadCache(string key)
    {
        if (cacheDirectory is null || !File.Exists(CachePath(key)))
        {
            return null;
        }

        try
        {
            using var reader = new BinaryReader(File.OpenRead(CachePath(key)));
            var count = reader.ReadInt32();
            var dimensions = reader.ReadInt32();
            if (count != examples.Count || dimensions is <= 0 or > 4096)
            {
                return null;
            }

            var vectors = new float[count][];
            for (var i = 0; i < count; i++)
            {
                vectors[i] = new float[dimensions];
                for (var d = 0; d < dimensions; d++)
                {
                    vectors[i][d] = reader.ReadSingle();
                }
            }

            return vectors;
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            return null;
        }
    }

    private string CachePath(string key) => Path.Combine(cacheDirectory!, $"intent-vectors-{key}.bin");

    private static string Hash(string modelId, IReadOnlyList<IntentExample> examples)
    {
        var text = new StringBuilder(modelId).Append('\n');
        foreach (var e in examples)
        {
            text.Append(e.Intent).Append('\t').Append(e.FaqId).Append('\t').Append(e.Text).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    private static double Dot(float[] a, float[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length && i < b.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat embeddings unavailable ({Reason}); the assistant understands messages with its rules alone")]
    private static partial void LogUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat embedding cache not written ({Reason})")]
    private static partial void LogCacheFailed(ILogger logger, string reason);
}
