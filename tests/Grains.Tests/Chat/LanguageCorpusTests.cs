using System.Globalization;
using System.Text;
using System.Text.Json;
using CrmChatbot.Chat.Language;
using Xunit.Abstractions;

namespace CrmChatbot.Grains.Tests.Chat;

/// <summary>Runs the utterance corpus through the engine and holds intent and slot accuracy at 95% or better.</summary>
public sealed class LanguageCorpusTests(ITestOutputHelper output)
{
    private const double Required = 0.95;

    [Fact]
    public void Corpus_meets_intent_and_slot_accuracy()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Chat", "Corpus", "utterances.json")));
        var root = doc.RootElement;
        var now = DateTimeOffset.Parse(root.GetProperty("now").GetString()!, CultureInfo.InvariantCulture);
        var defaultZone = root.GetProperty("time_zone").GetString()!;
        var engine = LanguageTestSupport.Engine;

        int cases = 0, intentHits = 0, slotTotal = 0, slotHits = 0;
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

            var analysis = engine.Analyze(text, context);
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
                problems.Add($"intent {analysis.Intent} (correction={analysis.IsCorrection}), expected {expectedIntent}");
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
        output.WriteLine($"cases: {cases}, intent accuracy: {intentAccuracy:P1} ({intentHits}/{cases}), slot accuracy: {slotAccuracy:P1} ({slotHits}/{slotTotal})");
        foreach (var (intent, (total, hits)) in perIntent)
        {
            output.WriteLine($"  {intent,-14} {hits}/{total}");
        }

        output.WriteLine("misses:");
        output.WriteLine(misses.ToString());
        Assert.True(cases >= 220, $"The corpus must hold at least 220 utterances, has {cases}.");
        Assert.True(intentAccuracy >= Required, $"Intent accuracy {intentAccuracy:P1} is below {Required:P0}.\n{misses}");
        Assert.True(slotAccuracy >= Required, $"Slot accuracy {slotAccuracy:P1} is below {Required:P0}.\n{misses}");
    }

    private static Dictionary<string, string> ReadSlots(JsonElement e) =>
        e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal);
}
