using System.Globalization;
using System.Text;
using System.Text.Json;
using CrmChatbot.Chat.Language;
using Xunit.Abstractions;

namespace CrmChatbot.Grains.Tests.Chat;

/// <summary>
/// Runs the utterance corpus (the tuning corpus) through the engine with the embeddings on and off and holds intent
/// and slot accuracy at 95% or better both ways. The semantic classifier's examples are built from this corpus, so
/// with embeddings on it is also scored leave-one-out (each case's own example ignored): a fairer view of how the
/// model generalizes; the blind measure is the held-out set.
/// </summary>
public sealed class LanguageCorpusTests(ITestOutputHelper output)
{
    private const double Required = 0.95;

    /// <summary>
    /// The rules alone are held lower: the 2026-12-06 batch of new wording (the paraphrases of issue 15) was added
    /// without tuning the rules to it, so it measures what they miss and the embeddings catch.
    /// </summary>
    private const double RequiredRulesOnly = 0.9;

    [Theory]
    [InlineData("off")]
    [InlineData("on")]
    public void Corpus_meets_intent_and_slot_accuracy(string embeddings)
    {
        var engine = embeddings == "on" ? LanguageTestSupport.WithEmbeddings : LanguageTestSupport.RulesOnly;
        var required = embeddings == "on" ? Required : RequiredRulesOnly;
        var result = Run(engine, leaveOut: false);
        Assert.True(result.Cases >= 220, $"The corpus must hold at least 220 utterances, has {result.Cases}.");
        Assert.True(result.IntentAccuracy >= required, $"Intent accuracy {result.IntentAccuracy:P1} is below {required:P0}.\n{result.Misses}");
        Assert.True(result.SlotAccuracy >= Required, $"Slot accuracy {result.SlotAccuracy:P1} is below {Required:P0}.\n{result.Misses}");
    }

    [Fact]
    public void Corpus_leave_one_out_with_embeddings_is_reported()
    {
        // Calibration only (CHAT_CORPUS_DUMP=<file>): dump every case with the model consulted, for threshold tuning.
        if (Environment.GetEnvironmentVariable("CHAT_CORPUS_DUMP") is not null)
        {
            LanguageEngine.ConsultAlways = true;
        }

        var result = Run(LanguageTestSupport.WithEmbeddings, leaveOut: true);
        // Not a tuning target: a floor that catches a broken classifier (the rules alone score about this).
        Assert.True(result.IntentAccuracy >= 0.9, $"Leave-one-out intent accuracy {result.IntentAccuracy:P1} is below 90%.\n{result.Misses}");
    }

    private sealed record Result(int Cases, double IntentAccuracy, double SlotAccuracy, string Misses);

    private Result Run(LanguageEngine engine, bool leaveOut)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Chat", "Corpus", "utterances.json")));
        var root = doc.RootElement;
        var now = DateTimeOffset.Parse(root.GetProperty("now").GetString()!, CultureInfo.InvariantCulture);
        var defaultZone = root.GetProperty("time_zone").GetString()!;

        int cases = 0, intentHits = 0, slotTotal = 0, slotHits = 0, consulted = 0;
        var perIntent = new SortedDictionary<string, (int Total, int Hits)>(StringComparer.Ordinal);
        var misses = new StringBuilder();
        foreach (var c in root.GetProperty("cases").EnumerateArray())
        {
            var text = c.GetProperty("text").GetString()!;
            var expectedIntent = c.GetProperty("intent").GetString()!;
            var context = new ChatContext(now, defaultZone, Faq: LanguageTestSupport.Faq);
            if (c.TryGetProperty("context", out var ctx))
            {
                context = context with
                {
                    PendingIntent = ctx.TryGetProperty("pending_intent", out var pi) ? Enum.Parse<Intent>(pi.GetString()!) : null,
                    ExpectedSlot = ctx.TryGetProperty("expected_slot", out var es) ? es.GetString() : null,
                    TimeZone = ctx.TryGetProperty("time_zone", out var tz) ? tz.GetString()! : defaultZone,
                    Slots = ctx.TryGetProperty("slots", out var cs) ? ReadSlots(cs) : null,
                };
            }

            var reading = engine.Read(text, context, leaveOut ? text : null);
            if (Environment.GetEnvironmentVariable("CHAT_CORPUS_DUMP") is { } dump && leaveOut)
            {
                File.AppendAllText(dump, string.Join('\t', text.Replace('\n', ' ').Replace('\t', ' '), expectedIntent, reading.RulesIntent, reading.TopScore, reading.SecondIntent,
                    reading.SecondScore, reading.ContextDecided, reading.Semantic?.Intent, reading.Semantic?.Similarity, reading.Semantic?.Share) + "\n");
            }

            var analysis = reading.Analysis;
            consulted += reading.Semantic is null ? 0 : 1;
            cases++;
            var intentOk = analysis.Intent.ToString() == expectedIntent;
            if (c.TryGetProperty("correction", out var corr))
            {
                intentOk &= analysis.IsCorrection == corr.GetBoolean();
            }

            intentHits += intentOk ? 1 : 0;
            var (t, h) = perIntent.GetValueOrDefault(expectedIntent);
            perIntent[expectedIntent] = (t + 1, h + (intentOk ? 1 : 0));
            var problems = new List<string>();
            if (!intentOk)
            {
                problems.Add($"intent {analysis.Intent} (correction={analysis.IsCorrection}, rules {reading.RulesIntent} {reading.TopScore}/{reading.SecondScore}" +
                             (reading.Semantic is { } m ? $", semantic {m.Intent} {m.Similarity:F2}" : "") + $"), expected {expectedIntent}");
            }

            if (c.TryGetProperty("slots", out var slots))
            {
                foreach (var (key, value) in ReadSlots(slots))
                {
                    slotTotal++;
                    if (analysis.Slots.TryGetValue(key, out var actual) && actual == value)
                    {
                        slotHits++;
                    }
                    else
                    {
                        problems.Add($"{key}={actual ?? "(none)"}, expected {value}");
                    }
                }
            }

            if (problems.Count > 0)
            {
                misses.AppendLine(CultureInfo.InvariantCulture, $"  \"{text}\": {string.Join("; ", problems)}  [slots: {string.Join(", ", analysis.Slots.Select(kv => kv.Key + "=" + kv.Value))}]");
            }
        }

        var intentAccuracy = (double)intentHits / cases;
        var slotAccuracy = slotTotal == 0 ? 1 : (double)slotHits / slotTotal;
        output.WriteLine($"embeddings {(engine.HasSemanticLayer ? "on" : "off")}{(leaveOut ? " (leave-one-out)" : "")}: cases: {cases}, intent accuracy: {intentAccuracy:P1} ({intentHits}/{cases}), " +
                         $"slot accuracy: {slotAccuracy:P1} ({slotHits}/{slotTotal}), model consulted on {consulted} messages");
        foreach (var (intent, (total, hits)) in perIntent)
        {
            output.WriteLine($"  {intent,-14} {hits}/{total}");
        }

        output.WriteLine("misses:");
        output.WriteLine(misses.ToString());
        return new Result(cases, intentAccuracy, slotAccuracy, misses.ToString());
    }

    private static Dictionary<string, string> ReadSlots(JsonElement e) =>
        e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal);
}
