namespace CrmChatbot.Common;

/// <summary>
/// The dates the API accepts: years 2000 to 2200. Wide enough for any real meeting or campaign,
/// and far enough from <see cref="DateTime.MaxValue"/> that adding a duration or a reminder offset
/// cannot overflow.
/// </summary>
public static class DateRules
{
    public static readonly DateTime MinUtc = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Exclusive: the first instant after the allowed range.</summary>
    public static readonly DateTime EndUtc = new(2201, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static readonly DateOnly MinDate = DateOnly.FromDateTime(MinUtc);

    public static readonly DateOnly MaxDate = new(2200, 12, 31);

    public const string RangeText = "from 2000-01-01 to 2200-12-31 (UTC)";

    public static bool InRange(DateTime utc) => utc >= MinUtc && utc < EndUtc;

    public static bool InRange(DateOnly date) => date >= MinDate && date <= MaxDate;

    public static string OutOfRange => "is out of range: dates must be " + RangeText;
}
