using System.Text;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Reminders;

/// <summary>
/// The document id of a reminder row: <c>"&lt;grain id&gt;/&lt;reminder name&gt;"</c>, e.g.
/// <c>"lead/lead-42/follow-up"</c>. In the name, <c>%</c> is written <c>%25</c> and <c>/</c> is written
/// <c>%2F</c>, so the name never contains a <c>/</c>: the LAST <c>/</c> separates grain id and name and
/// no two (grain, name) pairs share an id, even when grain keys contain <c>/</c>. Ordinary names
/// (no <c>%</c> or <c>/</c>) appear as is. Case-sensitive, like the grain id and the name.
/// </summary>
public static class ReminderRowId
{
    public static string For(GrainId grainId, string reminderName)
    {
        ArgumentNullException.ThrowIfNull(reminderName);
        if (grainId.IsDefault)
        {
            throw new ArgumentException("A reminder needs a grain id.", nameof(grainId));
        }

        return string.Concat(grainId.ToString(), "/", EscapeName(reminderName));
    }

    internal static string EscapeName(string reminderName)
    {
        if (reminderName.AsSpan().IndexOfAny('%', '/') < 0)
        {
            return reminderName;
        }

        var builder = new StringBuilder(reminderName.Length + 8);
        foreach (var c in reminderName)
        {
            _ = c switch
            {
                '%' => builder.Append("%25"),
                '/' => builder.Append("%2F"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }
}
