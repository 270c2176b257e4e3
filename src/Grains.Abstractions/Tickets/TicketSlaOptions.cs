using System.Globalization;

namespace CrmChatbot.Tickets;

/// <summary>
/// SLA targets per priority: hours to the first public staff reply and to resolution, counted from
/// creation. Set from <c>SLA_FIRST_RESPONSE_HOURS</c> / <c>SLA_RESOLUTION_HOURS</c>
/// (<c>urgent:1,high:4,medium:8,low:24</c>; priorities left out keep their default).
/// </summary>
public sealed class TicketSlaOptions
{
    public const string DefaultFirstResponse = "urgent:1,high:4,medium:8,low:24";
    public const string DefaultResolution = "urgent:4,high:24,medium:72,low:168";

    /// <summary>Longest accepted target: a year.</summary>
    public const double MaxHours = 24 * 366;

    public Dictionary<TicketPriority, TimeSpan> FirstResponse { get; set; } = Parse(DefaultFirstResponse, null);

    public Dictionary<TicketPriority, TimeSpan> Resolution { get; set; } = Parse(DefaultResolution, null);

    /// <summary>
    /// Parses <c>priority:hours</c> pairs separated by commas over <paramref name="defaults"/>. Hours
    /// are positive numbers (decimals allowed, e.g. 0.5). Throws <see cref="FormatException"/> with a
    /// message naming the bad entry; duplicates and unknown priorities are refused.
    /// </summary>
    public static Dictionary<TicketPriority, TimeSpan> Parse(string raw, IReadOnlyDictionary<TicketPriority, TimeSpan>? defaults)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var result = defaults is null ? new Dictionary<TicketPriority, TimeSpan>() : new Dictionary<TicketPriority, TimeSpan>(defaults);
        var seen = new HashSet<TicketPriority>();
        foreach (var entry in raw.Split(',', StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split(':', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !TryPriority(parts[0], out var priority))
            {
                throw new FormatException($"'{entry}' is not priority:hours with a priority of urgent, high, medium or low");
            }

            if (!double.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var hours) ||
                hours <= 0 || hours > MaxHours)
            {
                throw new FormatException($"'{entry}': hours must be a number above 0 and at most {MaxHours}");
            }

            if (!seen.Add(priority))
            {
                throw new FormatException($"'{parts[0]}' is given twice");
            }

            result[priority] = TimeSpan.FromHours(hours);
        }

        if (defaults is null && result.Count != Enum.GetValues<TicketPriority>().Length)
        {
            throw new FormatException("every priority (urgent, high, medium, low) needs a value");
        }

        return result;
    }

    private static bool TryPriority(string text, out TicketPriority priority)
    {
        foreach (var value in Enum.GetValues<TicketPriority>())
        {
            if (string.Equals(value.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                priority = value;
                return true;
            }
        }

        priority = default;
        return false;
    }
}
