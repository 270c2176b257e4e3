namespace CrmChatbot.Storage;

/// <summary>Paging and text-search rules shared by every store's list queries.</summary>
public static class QueryRules
{
    /// <summary>Throws for a limit below 1 or a negative offset.</summary>
    public static void ValidatePaging(int limit, int offset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
    }

    /// <summary>The offset of the following page, or null when this page reaches the end.</summary>
    public static int? NextOffset(int offset, int limit, long total)
    {
        var next = (long)offset + limit;
        return next < total && next <= int.MaxValue ? (int)next : null;
    }

    /// <summary>
    /// The needle of a case-insensitive substring search: trimmed and lower-cased (invariant),
    /// or null when there is nothing to search for. It is matched literally (no wildcards).
    /// </summary>
    public static string? NormalizeText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return text.Trim().ToLowerInvariant();
    }
}
