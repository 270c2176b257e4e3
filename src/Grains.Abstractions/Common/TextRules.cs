namespace CrmChatbot.Common;

/// <summary>
/// The one character rule for text from clients. Single-line text (names, titles, ids, emails,
/// URLs, query parameters) allows no control characters at all; multi-line text (descriptions,
/// notes, comment bodies, chat messages) allows line breaks and tabs. Neither allows a lone
/// surrogate, a line/paragraph separator in single-line text, nor the bidi embedding, override and
/// isolate characters that reorder how surrounding text is displayed ("Trojan Source" spoofing).
/// The bidi marks (LRM, RLM, ALM) stay allowed: they affect only neutral characters next to them.
/// </summary>
public static class TextRules
{
    /// <summary>The first character the rule refuses, with its index, or null when the text is fine.</summary>
    public static (int Index, int CodePoint)? FindForbidden(string? text, bool multiLine)
    {
        if (text is null)
        {
            return null;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (IsForbidden(c, multiLine))
            {
                return (i, c);
            }
        }

        return null;
    }

    /// <summary>The message a refused field gets, naming the character (U+0000 style) and where it is.</summary>
    public static string? Problem(string? text, bool multiLine) => FindForbidden(text, multiLine) is { } found
        ? $"must not contain control or bidi-override characters (U+{found.CodePoint:X4} at position {found.Index})" +
          (multiLine ? "; only line breaks and tabs are allowed" : "")
        : null;

    private static bool IsForbidden(char c, bool multiLine) => c switch
    {
        '\n' or '\r' or '\t' => !multiLine,
        '\u2028' or '\u2029' => !multiLine,
        >= '\u202A' and <= '\u202E' => true, // LRE, RLE, PDF, LRO, RLO
        >= '\u2066' and <= '\u2069' => true, // LRI, RLI, FSI, PDI
        _ => char.IsControl(c) || char.IsSurrogate(c), // C0, DEL, C1; a surrogate here is a lone one
    };
}
