using System.Globalization;
using System.Text.RegularExpressions;

namespace CrmChatbot.Chat.Language;

/// <summary>The date/time parts found in a message, before they are resolved against a session.</summary>
public sealed record TemporalExpression
{
    /// <summary>Calendar date in the zone of the message (explicit or resolved from "tomorrow", "Monday", ...).</summary>
    public DateOnly? Date { get; init; }

    /// <summary>Wall-clock time in the zone of the message.</summary>
    public TimeOnly? Time { get; init; }

    /// <summary>"in 2 hours": an offset from now, independent of any zone.</summary>
    public TimeSpan? FromNow { get; init; }

    public int? DurationMinutes { get; init; }

    /// <summary>IANA id of a zone named in the text ("3pm Berlin time", "10:30 CET"), else null.</summary>
    public string? ZoneId { get; init; }

    /// <summary>The zone the date and time are read in: the named one, else the session's.</summary>
    public TimeZoneInfo Zone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Today in <see cref="Zone"/>.</summary>
    public DateOnly Today { get; init; }

    public bool HasDateOrTime => Date is not null || Time is not null || FromNow is not null;
}

/// <summary>
/// Reads dates, times, durations and zones from lower-cased text, relative to a reference instant.
/// Conventions: "Monday"/"on Monday"/"next Monday" are the first Monday strictly after today; a day and month
/// already past this year mean next year; "12/03" is month/day (US order) while "3.12." is day.month; a bare
/// hour ("at 4") between 1 and 7 is afternoon unless "morning" is said; 8-11 are morning.
/// </summary>
public static partial class DateTimeParser
{
    private static readonly string[] MonthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    private static readonly Dictionary<string, int> NumberWords = new(StringComparer.Ordinal)
    {
        ["a"] = 1, ["an"] = 1, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6,
        ["seven"] = 7, ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["fifteen"] = 15,
        ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["forty five"] = 45, ["fortyfive"] = 45, ["sixty"] = 60, ["ninety"] = 90,
    };

    /// <param name="text">Lower-cased text (emails and phone numbers already removed).</param>
    /// <param name="now">Reference instant.</param>
    /// <param name="sessionZone">Zone for times the text does not place in a zone itself.</param>
    public static TemporalExpression Parse(string text, DateTimeOffset now, TimeZoneInfo sessionZone)
    {
        var s = " " + text.ToLowerInvariant() + " ";
        var zone = sessionZone;
        string? named = null;
        if (TimeZones.Detect(s) is { } detected && TimeZones.Find(detected.Id) is { } found)
        {
            zone = found;
            named = detected.Id;
            s = Blank(s, detected.Index, detected.Length);
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var result = new TemporalExpression { ZoneId = named, Zone = zone, Today = today };
        var pmHint = PmHintRegex().IsMatch(s);
        var amHint = AmHintRegex().IsMatch(s);

        (result, s) = ReadDuration(result, s);
        (result, s) = ReadRelative(result, s, today);
        (result, s) = ReadDate(result, s, today, pmHint, amHint);
        (result, s) = ReadTime(result, s, pmHint, amHint);
        return result;
    }

    private static (TemporalExpression, string) ReadDuration(TemporalExpression r, string s)
    {
        var found = new List<(int Index, int Length, int Minutes)>();
        foreach (Match m in DurationWordsRegex().Matches(s))
        {
            var phrase = m.Groups["p"].Value;
            var minutes = phrase.Contains("and a half", StringComparison.Ordinal) ? 90
                : phrase.Contains("quarter", StringComparison.Ordinal) ? 15
                : phrase.Contains("half", StringComparison.Ordinal) ? 30
                : 60;
            found.Add((m.Index, m.Length, minutes));
        }

        foreach (Match m in DurationNumberRegex().Matches(s))
        {
            if (found.Any(f => m.Index < f.Index + f.Length && f.Index < m.Index + m.Length))
            {
                continue;
            }

            var amount = ParseNumber(m.Groups["n"].Value);
            if (amount is null)
            {
                continue;
            }

            var unit = m.Groups["u"].Value;
            var minutes = unit.StartsWith('h') ? amount.Value * 60 : amount.Value;
            found.Add((m.Index, m.Length, (int)Math.Round(minutes)));
        }

        int? chosen = null;
        foreach (var f in found.OrderBy(f => f.Index))
        {
            var before = s[..f.Index];
            // "in 2 hours" is a start time, and "45 minutes not an hour" negates the second.
            if (InBeforeRegex().IsMatch(before))
            {
                continue;
            }

            if (!NotBeforeRegex().IsMatch(before))
            {
                chosen ??= f.Minutes;
            }

            s = Blank(s, f.Index, f.Length);
        }

        return (chosen is null ? r : r with { DurationMinutes = chosen }, s);
    }

    private static (TemporalExpression, string) ReadRelative(TemporalExpression r, string s, DateOnly today)
    {
        var m = RelativeRegex().Match(s);
        if (!m.Success)
        {
            return (r, s);
        }

        var unit = m.Groups["u"].Value;
        double? amount = m.Groups["half"].Success ? 0.5 : ParseNumber(m.Groups["n"].Value);
        if (amount is null)
        {
            return (r, s);
        }

        s = Blank(s, m.Index, m.Length);
        return unit[0] switch
        {
            'm' => (r with { FromNow = TimeSpan.FromMinutes(amount.Value) }, s),
            'h' => (r with { FromNow = TimeSpan.FromHours(amount.Value) }, s),
            'd' => (r with { Date = today.AddDays((int)amount.Value) }, s),
            _ => (r with { Date = today.AddDays(7 * (int)amount.Value) }, s),
        };
    }

    private static (TemporalExpression, string) ReadDate(TemporalExpression r, string s, DateOnly today, bool pmHint, bool amHint)
    {
        var iso = IsoRegex().Match(s);
        if (iso.Success && TryDate(Int(iso, "y"), Int(iso, "m"), Int(iso, "d"), out var isoDate))
        {
            r = r with { Date = isoDate };
            if (iso.Groups["h"].Success)
            {
                r = r with { Time = new TimeOnly(Math.Min(Int(iso, "h"), 23), Math.Min(Int(iso, "min"), 59)) };
            }

            return (r, Blank(s, iso.Index, iso.Length));
        }

        foreach (var regex in new[] { MonthDayRegex(), DayMonthRegex() })
        {
            var m = regex.Match(s);
            if (m.Success)
            {
                var month = Array.IndexOf(MonthNames, m.Groups["mon"].Value[..3]) + 1;
                if (ResolveDayMonth(today, month, Int(m, "d"), m.Groups["y"].Success ? Int(m, "y") : null) is { } date)
                {
                    return (r with { Date = date }, Blank(s, m.Index, m.Length));
                }
            }
        }

        var slash = SlashDateRegex().Match(s);
        if (slash.Success && ResolveDayMonth(today, Int(slash, "m"), Int(slash, "d"), slash.Groups["y"].Success ? Int(slash, "y") : null) is { } slashDate)
        {
            return (r with { Date = slashDate }, Blank(s, slash.Index, slash.Length));
        }

        var dot = DotDateRegex().Match(s);
        if (dot.Success && ResolveDayMonth(today, Int(dot, "m"), Int(dot, "d"), dot.Groups["y"].Success ? Int(dot, "y") : null) is { } dotDate)
        {
            return (r with { Date = dotDate }, Blank(s, dot.Index, dot.Length));
        }

        var word = DayWordRegex().Match(s);
        if (word.Success)
        {
            var offset = word.Value.Contains("after", StringComparison.Ordinal) ? 2 : word.Value.Contains("tomorrow", StringComparison.Ordinal) ? 1 : 0;
            r = HourRightAfter(r with { Date = today.AddDays(offset) }, ref s, word.Index + word.Length, pmHint, amHint);
            return (r, Blank(s, word.Index, word.Value.StartsWith("tonight", StringComparison.Ordinal) ? 0 : word.Length));
        }

        var ordinal = OrdinalDayRegex().Match(s);
        if (ordinal.Success)
        {
            // "on the 3rd": this month's if still ahead, else next month's.
            var day = Int(ordinal, "d");
            var candidate = today.AddDays(-today.Day + 1);
            for (var i = 0; i < 3; i++, candidate = candidate.AddMonths(1))
            {
                if (day <= DateTime.DaysInMonth(candidate.Year, candidate.Month) && new DateOnly(candidate.Year, candidate.Month, day) >= today)
                {
                    return (r with { Date = new DateOnly(candidate.Year, candidate.Month, day) }, Blank(s, ordinal.Index, ordinal.Length));
                }
            }
        }

        var weekday = WeekdayRegex().Match(s);
        if (weekday.Success)
        {
            var target = WeekdayOf(weekday.Groups["w"].Value);
            var ahead = ((int)target - (int)today.DayOfWeek + 7) % 7;
            r = HourRightAfter(r with { Date = today.AddDays(ahead == 0 ? 7 : ahead) }, ref s, weekday.Index + weekday.Length, pmHint, amHint);
            return (r, Blank(s, weekday.Index, weekday.Length));
        }

        return (r, s);
    }

    /// <summary>"Monday 9", "tomorrow 4": a bare number right after a day word is the hour.</summary>
    private static TemporalExpression HourRightAfter(TemporalExpression r, ref string s, int at, bool pmHint, bool amHint)
    {
        var m = HourAfterDayRegex().Match(s, at);
        var hour = m.Success ? Int(m, "h") : 0;
        if (hour is < 1 or > 23)
        {
            return r;
        }

        s = Blank(s, m.Index, m.Length);
        return r with { Time = new TimeOnly(hour > 12 ? hour : Meridiem(hour, "", pmHint, amHint, bare: true), 0) };
    }

    private static (TemporalExpression, string) ReadTime(TemporalExpression r, string s, bool pmHint, bool amHint)
    {
        if (r.Time is not null)
        {
            return (r, s);
        }

        var clock = ClockRegex().Match(s);
        if (clock.Success)
        {
            var h = Int(clock, "h");
            var min = Int(clock, "min");
            if (h <= 23 && min <= 59)
            {
                // "3:30" without am/pm in a business chat is afternoon; "03:30" with its leading zero is a 24-hour time.
                var singleDigit = clock.Groups["h"].Length == 1;
                return (r with { Time = new TimeOnly(Meridiem(h, clock.Groups["ap"].Value, pmHint, amHint, singleDigit), min) }, Blank(s, clock.Index, clock.Length));
            }
        }

        var ampm = AmPmRegex().Match(s);
        if (ampm.Success && Int(ampm, "h") is var hour and >= 1 and <= 12)
        {
            return (r with { Time = new TimeOnly(Meridiem(hour, ampm.Groups["ap"].Value, pmHint, amHint, bare: false), 0) }, Blank(s, ampm.Index, ampm.Length));
        }

        var named = NamedTimeRegex().Match(s);
        if (named.Success)
        {
            return (r with { Time = named.Value.Trim() == "midnight" ? new TimeOnly(0, 0) : new TimeOnly(12, 0) }, Blank(s, named.Index, named.Length));
        }

        var past = PastRegex().Match(s);
        if (past.Success && ParseNumber(past.Groups["h"].Value) is { } pastHour && pastHour is >= 1 and <= 12)
        {
            var h = Meridiem((int)pastHour, "", pmHint, amHint, bare: true);
            var t = past.Groups["q"].Value switch
            {
                "half past" => new TimeOnly(h, 30),
                "quarter past" => new TimeOnly(h, 15),
                _ => new TimeOnly(h, 0).AddMinutes(-15),
            };
            return (r with { Time = t }, Blank(s, past.Index, past.Length));
        }

        var bare = BareHourRegex().Match(s);
        if (bare.Success && ParseNumber(bare.Groups["h"].Value) is { } bareHour && bareHour is >= 0 and <= 23)
        {
            var h = bareHour > 12 ? (int)bareHour : Meridiem((int)bareHour, "", pmHint, amHint, bare: true);
            return (r with { Time = new TimeOnly(h, 0) }, Blank(s, bare.Index, bare.Length));
        }

        return (r, s);
    }

    /// <summary>24-hour clock hour from a 12-hour reading; a bare hour guesses business hours (1-7 pm, 8-11 am).</summary>
    private static int Meridiem(int h, string marker, bool pmHint, bool amHint, bool bare)
    {
        if (marker.StartsWith('p'))
        {
            return h == 12 ? 12 : h % 12 + 12;
        }

        if (marker.StartsWith('a'))
        {
            return h == 12 ? 0 : h;
        }

        if (h >= 12 || h == 0)
        {
            return h;
        }

        if (pmHint)
        {
            return h + 12;
        }

        if (amHint)
        {
            return h;
        }

        return bare && h <= 7 ? h + 12 : h;
    }

    private static DateOnly? ResolveDayMonth(DateOnly today, int month, int day, int? year)
    {
        if (year is { } y)
        {
            return TryDate(y < 100 ? 2000 + y : y, month, day, out var explicitDate) ? explicitDate : null;
        }

        if (!TryDate(today.Year, month, day, out var date))
        {
            return null;
        }

        // A date already past this year is next year's ("Dec 3" said on Dec 10).
        return date < today && TryDate(today.Year + 1, month, day, out var next) ? next : date;
    }

    private static bool TryDate(int y, int m, int d, out DateOnly date)
    {
        date = default;
        if (y is < 1 or > 9999 || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m))
        {
            return false;
        }

        date = new DateOnly(y, m, d);
        return true;
    }

    private static DayOfWeek WeekdayOf(string w) => w[..2] switch
    {
        "mo" => DayOfWeek.Monday,
        "tu" => DayOfWeek.Tuesday,
        "we" => DayOfWeek.Wednesday,
        "th" => DayOfWeek.Thursday,
        "fr" => DayOfWeek.Friday,
        "sa" => DayOfWeek.Saturday,
        _ => DayOfWeek.Sunday,
    };

    private static double? ParseNumber(string value)
    {
        value = value.Trim().Replace('-', ' ');
        if (NumberWords.TryGetValue(value, out var n))
        {
            return n;
        }

        return double.TryParse(value.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    private static int Int(Match m, string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    private static string Blank(string s, int index, int length) => string.Concat(s.AsSpan(0, index), new string(' ', length), s.AsSpan(index + length));

    private const string Num = @"\d+(?:[.,]\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|forty[ -]?five|forty|sixty|ninety";
    private const string Hour = @"\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve";

    [GeneratedRegex(@"\b(?<p>(?:an?|one) hour and a half|half an hour|a half hour|half hour|quarter of an hour|quarter hour|(?:an|one) hour)\b")]
    private static partial Regex DurationWordsRegex();

    [GeneratedRegex(@"\b(?<n>" + Num + @")\s*-?\s*(?<u>minutes?|mins?|hours?|hrs?|h)\b")]
    private static partial Regex DurationNumberRegex();

    [GeneratedRegex(@"\bin\s+(?:the\s+next\s+)?$")]
    private static partial Regex InBeforeRegex();

    [GeneratedRegex(@"\b(?:not|instead of|rather than)\s+$")]
    private static partial Regex NotBeforeRegex();

    [GeneratedRegex(@"\bin\s+(?:(?<half>half an?)|(?<n>" + Num + @"))\s+(?<u>minutes?|hours?|days?|weeks?)\b")]
    private static partial Regex RelativeRegex();

    [GeneratedRegex(@"\b(?<y>\d{4})-(?<m>\d{1,2})-(?<d>\d{1,2})(?:(?:t|\s+|\s*at\s*)(?<h>\d{1,2}):(?<min>\d{2})(?::\d{2})?)?")]
    private static partial Regex IsoRegex();

    [GeneratedRegex(@"\b(?<mon>january|february|march|april|may|june|july|august|september|sept|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.?\s+(?:the\s+)?(?<d>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?<y>\d{4})\b)?")]
    private static partial Regex MonthDayRegex();

    [GeneratedRegex(@"\b(?<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?<mon>january|february|march|april|may|june|july|august|september|sept|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.?(?:,?\s+(?<y>\d{4})\b)?")]
    private static partial Regex DayMonthRegex();

    [GeneratedRegex(@"(?<![\d/])(?<m>\d{1,2})/(?<d>\d{1,2})(?:/(?<y>\d{4}|\d{2}))?(?![\d/])")]
    private static partial Regex SlashDateRegex();

    [GeneratedRegex(@"(?<![\d.])(?<d>\d{1,2})\.(?<m>\d{1,2})\.(?<y>\d{4}|\d{2})?(?![\d])")]
    private static partial Regex DotDateRegex();

    [GeneratedRegex(@"\b(?:the\s+)?(?:day after tomorrow|tomorrow|today|tonight|this (?:morning|afternoon|evening))\b")]
    private static partial Regex DayWordRegex();

    [GeneratedRegex(@"\G\s+(?<h>\d{1,2})\b(?!\s*(?:[:./%]|\d|am\b|pm\b|a\.m|p\.m|st\b|nd\b|rd\b|th\b|minutes?|hours?|users?|seats?|people|o'?clock))")]
    private static partial Regex HourAfterDayRegex();

    [GeneratedRegex(@"\bthe\s+(?<d>\d{1,2})(?:st|nd|rd|th)\b")]
    private static partial Regex OrdinalDayRegex();

    [GeneratedRegex(@"\b(?:(?:next|this|coming|on)\s+)?(?<w>monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thur|thu|friday|fri|saturday|sat|sunday|sun)\b")]
    private static partial Regex WeekdayRegex();

    [GeneratedRegex(@"\b(?:afternoon|evening|tonight|night)\b")]
    private static partial Regex PmHintRegex();

    [GeneratedRegex(@"\bmorning\b")]
    private static partial Regex AmHintRegex();

    [GeneratedRegex(@"\b(?<h>\d{1,2})[:.h](?<min>\d{2})(?!\d)\s*(?<ap>a\.?m\.?|p\.?m\.?)?")]
    private static partial Regex ClockRegex();

    [GeneratedRegex(@"\b(?<h>\d{1,2})\s*(?<ap>a\.?m\b\.?|p\.?m\b\.?)")]
    private static partial Regex AmPmRegex();

    [GeneratedRegex(@"\b(?:noon|midday|midnight)\b")]
    private static partial Regex NamedTimeRegex();

    [GeneratedRegex(@"\b(?<q>half past|quarter past|quarter to)\s+(?<h>" + Hour + @")\b")]
    private static partial Regex PastRegex();

    [GeneratedRegex(@"(?:\b(?:at|around|by|about)\s+|@\s*)(?<h>" + Hour + @")\b(?!\s*(?:[:./%]|\d|minutes?|hours?|users?|seats?|people|licen[cs]es?|reps?))|\b(?<h>\d{1,2})\s*o'?clock\b|\b(?:it|that)\s+to\s+(?<h>\d{1,2})\b(?!\s*(?:[:./%]|\d))|\bfor\s+(?<h>\d{1,2})\b(?!\s*(?:[:./%]|\d|minutes?|hours?|users?|seats?|people|licen[cs]es?|reps?|persons?|days?|weeks?|months?))")]
    private static partial Regex BareHourRegex();
}
