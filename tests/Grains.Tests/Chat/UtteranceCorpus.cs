using System.Globalization;
using System.Text;
using System.Text.Json;
using CrmChatbot.Chat.Language;

namespace CrmChatbot.Grains.Tests.Chat;

/// <summary>
/// Scores one utterance file (format in <c>Chat/Corpus/README.md</c>) against the language engine, so the tuning
/// corpus and the blind held-out set are measured by exactly the same rules.
/// </summary>
internal static class UtteranceCorpus
{
    /// <summary>The "got" column of the confusion matrix when the intent matched but the expected correction flag did not.</summary>
    public const string CorrectionFlagWrong = "(correction flag)";

    /// <param name="leaveOneOut">
    /// Each case's own text is hidden from the semantic classifier: the tuning corpus is the classifier's training data,
    /// so this is the fairer view of how the model generalizes (meaningless for the held-out set, which it never saw).
    /// </param>
    /// <param name="observe">Called with every case's reading (calibration dumps).</param>
    public static UtteranceScore Score(string fileName, LanguageEngine engine, bool leaveOneOut = false, Action<string, string, Reading>? observe = null)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Chat", "Corpus", fileName)));
        var root = doc.RootElement;
        var now = DateTimeOffset.Parse(root.GetProperty("now").GetString()!, CultureInfo.InvariantCulture);
        var defaultZone = root.GetProperty("time_zone").GetString()!;

        int cases = 0, intentHits = 0, slotTotal = 0, slotHits = 0, consulted = 0;
        var confusion = new SortedDictionary<string, SortedDictionary<string, int>>(StringComparer.Ordinal);
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

            var reading = engine.Read(text, context, leaveOneOut ? text : null);
            observe?.Invoke(text, expectedIntent, reading);
            var analysis = reading.Analysis;
            consulted += reading.Semantic is null ? 0 : 1;
            cases++;
            var got = analysis.Intent.ToString();
            var intentOk = got == expectedIntent;
            if (intentOk && c.TryGetProperty("correction", out var corr) && analysis.IsCorrection != corr.GetBoolean())
            {
                intentOk = false;
                got = CorrectionFlagWrong;
            }

            intentHits += intentOk ? 1 : 0;
            var row = confusion.TryGetValue(expectedIntent, out var r) ? r : confusion[expectedIntent] = new(StringComparer.Ordinal);
            row[got] = row.GetValueOrDefault(got) + 1;
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
                misses.AppendLine(CultureInfo.InvariantCulture, $"  \"{text.Replace("\n", "\\n", StringComparison.Ordinal)}\": {string.Join("; ", problems)}  [slots: {string.Join(", ", analysis.Slots.Select(kv => kv.Key + "=" + kv.Value))}]");
            }
        }

        return new UtteranceScore(cases, intentHits, slotTotal, slotHits, confusion, misses.ToString()) { Consulted = consulted };
    }

    private static Dictionary<string, string> ReadSlots(JsonElement e) =>
        e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal);
}

/// <summary>The result of one corpus run; <see cref="Confusion"/> maps expected intent to the intents the engine answered.</summary>
internal sealed record UtteranceScore(
    int Cases, int IntentHits, int SlotTotal, int SlotHits,
    IReadOnlyDictionary<string, SortedDictionary<string, int>> Confusion, string Misses)
{
    /// <summary>Messages the semantic classifier was consulted on.</summary>
    public int Consulted { get; init; }

    public double IntentAccuracy => (double)IntentHits / Cases;

    public double SlotAccuracy => SlotTotal == 0 ? 1 : (double)SlotHits / SlotTotal;

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"cases: {Cases}, intent accuracy: {IntentAccuracy:P1} ({IntentHits}/{Cases}), slot accuracy: {SlotAccuracy:P1} ({SlotHits}/{SlotTotal}), model consulted on {Consulted} messages");

    public IEnumerable<string> PerIntentLines => Confusion.Select(kv =>
        $"  {kv.Key,-14} {kv.Value.GetValueOrDefault(kv.Key)}/{kv.Value.Values.Sum()}");

    /// <summary>The confusion matrix as a markdown table: one row per expected intent, one column per intent answered.</summary>
    public string ConfusionMarkdown()
    {
        var columns = Confusion.Keys.Concat(Confusion.Values.SelectMany(row => row.Keys)).Distinct().Order(StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        sb.AppendLine("| expected \\ got | " + string.Join(" | ", columns) + " | accuracy |");
        sb.AppendLine("|---|" + string.Concat(columns.Select(_ => "---:|")) + "---:|");
        foreach (var (expected, row) in Confusion)
        {
            var total = row.Values.Sum();
            var hits = row.GetValueOrDefault(expected);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {expected} | {string.Join(" | ", columns.Select(col => row.TryGetValue(col, out var n) ? n.ToString(CultureInfo.InvariantCulture) : "."))} | {hits}/{total} |");
        }

        return sb.ToString();
    }
}
