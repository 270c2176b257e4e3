using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace CrmChatbot.Chat.Language;

/// <summary>One operator-editable answer with the ways visitors ask for it.</summary>
public sealed record FaqEntry(string Id, IReadOnlyList<string> Questions, IReadOnlyList<string> Keywords, string Answer);

/// <summary>The best FAQ entry for a message and how well it matched (0..1).</summary>
public sealed record FaqMatch(FaqEntry Entry, double Score);

/// <summary>
/// A knowledge file of question variants and answers, matched by word overlap tolerant of typos and word forms.
/// File format (JSON): { "entries": [ { "id", "questions": [..], "keywords": [..], "answer" } ] }.
/// </summary>
public sealed partial class FaqKnowledge
{
    /// <summary>Below this score a message is not considered to ask the entry's question.</summary>
    public const double DefaultThreshold = 0.5;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "is", "are", "am", "be", "was", "do", "does", "did", "you", "your", "yours", "ur", "u", "i", "my", "me",
        "we", "our", "us", "it", "its", "it's", "can", "could", "would", "will", "how", "what", "what's", "whats", "when",
        "where", "which", "who", "why", "of", "to", "for", "on", "in", "at", "with", "and", "or", "there", "any", "this", "that",
        "tell", "about", "please", "pls", "have", "has", "get", "hi", "hello", "hey", "so", "if", "by", "from", "also", "just",
        "know", "want", "like", "need", "'s",
    };

    private readonly List<(FaqEntry Entry, List<string[]> Variants, List<string[]> Keywords)> entries;

    private FaqKnowledge(IEnumerable<FaqEntry> source)
    {
        entries = source
            .Select(e => (e, e.Questions.Select(Words).Where(w => w.Length > 0).ToList(), e.Keywords.Select(Words).Where(w => w.Length > 0).ToList()))
            .ToList();
    }

    public IReadOnlyList<FaqEntry> Entries => entries.Select(e => e.Entry).ToList();

    public static FaqKnowledge Load(string path) => FromJson(File.ReadAllText(path));

    public static FaqKnowledge FromJson(string json)
    {
        var file = JsonSerializer.Deserialize<FaqFile>(json, JsonOptions) ?? throw new InvalidDataException("The FAQ file is empty.");
        var list = new List<FaqEntry>();
        foreach (var e in file.Entries ?? [])
        {
            if (string.IsNullOrWhiteSpace(e.Id) || string.IsNullOrWhiteSpace(e.Answer) || e.Questions is not { Count: > 0 })
            {
                throw new InvalidDataException($"FAQ entry '{e.Id}' needs an id, at least one question and an answer.");
            }

            list.Add(new FaqEntry(e.Id, e.Questions, e.Keywords ?? [], e.Answer));
        }

        return new FaqKnowledge(list);
    }

    public static FaqKnowledge FromEntries(IEnumerable<FaqEntry> entries) => new(entries);

    /// <summary>The best entry scoring at least <paramref name="threshold"/>, or null.</summary>
    public FaqMatch? Match(string text, double threshold = DefaultThreshold)
    {
        var query = Words(text);
        if (query.Length == 0)
        {
            return null;
        }

        FaqMatch? best = null;
        foreach (var (entry, variants, keywords) in entries)
        {
            var score = 0.0;
            foreach (var v in variants)
            {
                var matched = v.Count(w => query.Any(q => SameWord(q, w)));
                score = Math.Max(score, 2.0 * matched / (query.Length + v.Length));
            }

            // Keywords are what operators know the topic by ("gdpr", "hubspot"): each also acts as a short variant,
            // and seeing any lifts the score once (so "price" and "pricing" do not double count).
            var hit = false;
            foreach (var k in keywords)
            {
                var matched = k.Count(w => query.Any(q => SameWord(q, w)));
                score = Math.Max(score, 2.0 * matched / (query.Length + k.Length));
                hit |= matched == k.Length;
            }

            score = Math.Min(1.0, score + (hit ? 0.25 : 0));
            if (best is null || score > best.Score)
            {
                best = new FaqMatch(entry, score);
            }
        }

        return best is not null && best.Score >= threshold ? best : null;
    }

    /// <summary>Content words, lower-cased and crudely stemmed ("prices" -> "price", "opening" -> "open").</summary>
    internal static string[] Words(string text) =>
        WordRegex().Matches(text.ToLowerInvariant().Replace('’', '\''))
            .Select(m => m.Value)
            .Where(w => !StopWords.Contains(w))
            .Select(Stem)
            .Where(w => w.Length > 1 && !StopWords.Contains(w))
            .Distinct(StringComparer.Ordinal)
            .ToArray();

    private static string Stem(string w)
    {
        if (w.EndsWith("'s", StringComparison.Ordinal))
        {
            w = w[..^2];
        }

        foreach (var suffix in new[] { "ing", "ies", "es", "ed", "s" })
        {
            if (w.EndsWith(suffix, StringComparison.Ordinal) && w.Length - suffix.Length >= 3 && !w.EndsWith("ss", StringComparison.Ordinal))
            {
                return suffix == "ies" ? w[..^3] + "y" : w[..^suffix.Length];
            }
        }

        return w;
    }

    /// <summary>Same word up to form or a typo: equal, sharing a 5-letter stem, one a 4+ letter prefix of the other, or within the typo budget.</summary>
    internal static bool SameWord(string a, string b)
    {
        if (a == b)
        {
            return true;
        }

        var common = 0;
        while (common < a.Length && common < b.Length && a[common] == b[common])
        {
            common++;
        }

        // A prefix counts only when the longer word adds a short ending: "price"/"prices", not "week"/"weekend".
        if (common >= 5 || (common >= 4 && common == Math.Min(a.Length, b.Length) && Math.Abs(a.Length - b.Length) <= 2))
        {
            return true;
        }

        // Typos only on words of five letters or more: "host" and "cost" are different questions.
        var shorter = Math.Min(a.Length, b.Length);
        var budget = shorter < 5 ? 0 : TextNormalizer.MaxTypos(shorter);
        return budget > 0 && EditDistance.DamerauLevenshtein(a, b, budget) <= budget;
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:'[\p{L}]+)?")]
    private static partial Regex WordRegex();

    private sealed class FaqFile
    {
        [JsonPropertyName("entries")]
        public List<FaqFileEntry>? Entries { get; set; }
    }

    private sealed class FaqFileEntry
    {
        public string Id { get; set; } = "";

        public List<string>? Questions { get; set; }

        public List<string>? Keywords { get; set; }

        public string Answer { get; set; } = "";
    }
}
