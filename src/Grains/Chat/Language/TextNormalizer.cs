using System.Text;
using System.Text.RegularExpressions;

namespace CrmChatbot.Chat.Language;

/// <summary>One word of the user's text: as typed, and normalized (lower-case, typo-corrected).</summary>
public sealed record Token(string Raw, string Norm, int Start, int End);

/// <summary>The user's text lower-cased with every word replaced by its corrected form, plus the words.</summary>
public sealed record NormalizedText(string Raw, string Corrected, IReadOnlyList<Token> Tokens);

/// <summary>Lower-cases, tokenizes and repairs common typos against a known vocabulary.</summary>
public sealed partial class TextNormalizer
{
    // Shorthand and apostrophe-less spellings that edit distance alone would map wrongly or not at all.
    private static readonly Dictionary<string, string> Shorthand = new(StringComparer.Ordinal)
    {
        ["helo"] = "hello", ["hallo"] = "hello", ["thx"] = "thanks", ["ty"] = "thanks", ["thanx"] = "thanks",
        ["pls"] = "please", ["plz"] = "please", ["u"] = "you", ["ur"] = "your", ["im"] = "i'm",
        ["cant"] = "can't", ["dont"] = "don't", ["doesnt"] = "doesn't", ["wont"] = "won't", ["isnt"] = "isn't",
        ["didnt"] = "didn't", ["whats"] = "what's", ["lets"] = "let's", ["its"] = "it's", ["thats"] = "that's",
        ["theres"] = "there's", ["youre"] = "you're", ["tmrw"] = "tomorrow", ["tmr"] = "tomorrow",
        ["tmrow"] = "tomorrow", ["mins"] = "minutes", ["min"] = "minutes", ["hrs"] = "hours", ["hr"] = "hours",
        ["appt"] = "appointment", ["mtg"] = "meeting",
        ["k"] = "ok", ["kk"] = "ok", ["yea"] = "yeah", ["y"] = "yes", ["n"] = "no",
        ["e-mail"] = "email", ["mail"] = "email", ["broke"] = "broken", ["couldnt"] = "couldn't",
    };

    private readonly HashSet<string> vocabulary;
    private readonly Dictionary<int, string[]> byLength;

    public TextNormalizer(IEnumerable<string> vocabulary)
    {
        this.vocabulary = new HashSet<string>(vocabulary, StringComparer.Ordinal);
        byLength = this.vocabulary.GroupBy(w => w.Length).ToDictionary(g => g.Key, g => g.OrderBy(w => w, StringComparer.Ordinal).ToArray());
    }

    public NormalizedText Normalize(string text)
    {
        var raw = text.Replace('’', '\'').Replace('‘', '\'');
        var tokens = new List<Token>();
        var corrected = new StringBuilder(raw.Length + 16);
        var last = 0;
        foreach (Match m in WordRegex().Matches(raw))
        {
            corrected.Append(raw, last, m.Index - last);
            var norm = Correct(m.Value.ToLowerInvariant());
            tokens.Add(new Token(m.Value, norm, m.Index, m.Index + m.Length));
            corrected.Append(norm);
            last = m.Index + m.Length;
        }

        corrected.Append(raw, last, raw.Length - last);
        return new NormalizedText(raw, corrected.ToString().ToLowerInvariant(), tokens);
    }

    /// <summary>The word itself if known, else its shorthand expansion, else the nearest vocabulary word within the typo budget.</summary>
    public string Correct(string word)
    {
        if (vocabulary.Contains(word))
        {
            return word;
        }

        if (Shorthand.TryGetValue(word, out var expanded))
        {
            return expanded;
        }

        // "today's meeting": the possessive of a known word is that word.
        if (word.EndsWith("'s", StringComparison.Ordinal) && vocabulary.Contains(word[..^2]))
        {
            return word[..^2];
        }

        if (word.Any(c => !char.IsLetter(c)))
        {
            return word;
        }

        // Stretched words ("yessss", "nooo", "pleeease") are the word itself.
        var squeezed = RepeatRegex().Replace(word, "$1");
        if (squeezed != word && (vocabulary.Contains(squeezed) || Shorthand.ContainsKey(squeezed)))
        {
            return Correct(squeezed);
        }

        var budget = MaxTypos(word.Length);
        if (budget == 0)
        {
            return word;
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        for (var len = word.Length - budget; len <= word.Length + budget; len++)
        {
            if (!byLength.TryGetValue(len, out var candidates))
            {
                continue;
            }

            foreach (var candidate in candidates)
            {
                var d = EditDistance.DamerauLevenshtein(word, candidate, budget);
                // Ties prefer a candidate with the same first letter: typos rarely hit the first keystroke.
                if (d < bestDistance || (d == bestDistance && best is not null && best[0] != word[0] && candidate[0] == word[0]))
                {
                    best = candidate;
                    bestDistance = d;
                }
            }
        }

        return best is not null && bestDistance <= budget ? best : word;
    }

    /// <summary>Edit distance allowed for a word: 1 for 4-7 letters, 2 for longer, none for short words.</summary>
    public static int MaxTypos(int length) => length switch
    {
        < 4 => 0,
        <= 7 => 1,
        _ => 2,
    };

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:'[\p{L}]+)?")]
    private static partial Regex WordRegex();

    [GeneratedRegex(@"(\p{L})\1{2,}")]
    private static partial Regex RepeatRegex();
}

/// <summary>Optimal-string-alignment Damerau-Levenshtein distance (a transposition counts as one edit).</summary>
public static class EditDistance
{
    /// <summary>The distance, or a value above <paramref name="max"/> as soon as it is certain to exceed it.</summary>
    public static int DamerauLevenshtein(string a, string b, int max = int.MaxValue)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max == int.MaxValue ? Math.Abs(a.Length - b.Length) : max + 1;
        }

        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var rowMin = int.MaxValue;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    v = Math.Min(v, d[i - 2, j - 2] + 1);
                }

                d[i, j] = v;
                rowMin = Math.Min(rowMin, v);
            }

            if (max != int.MaxValue && rowMin > max)
            {
                return max + 1;
            }
        }

        return d[a.Length, b.Length];
    }
}
