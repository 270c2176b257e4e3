using System.Text.RegularExpressions;

namespace CrmChatbot.Chat.Language;

/// <summary>
/// Resolves IANA zone ids and the zone names people type ("CET", "EST", "Berlin time").
/// With InvariantGlobalization=true, .NET on Linux still reads IANA ids from /usr/share/zoneinfo (tzdata),
/// but Windows ids ("W. Europe Standard Time") do not resolve because that mapping needs ICU; so the engine
/// speaks IANA only. A host image without tzdata must install it (or set TZDIR).
/// </summary>
public static partial class TimeZones
{
    // Abbreviations name the region people mean, so the IANA zone keeps DST right ("EST" in July is still New York).
    private static readonly Dictionary<string, string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["utc"] = "UTC", ["gmt"] = "Europe/London", ["bst"] = "Europe/London", ["wet"] = "Europe/Lisbon",
        ["cet"] = "Europe/Berlin", ["cest"] = "Europe/Berlin", ["eet"] = "Europe/Athens", ["eest"] = "Europe/Athens",
        ["est"] = "America/New_York", ["edt"] = "America/New_York", ["cst"] = "America/Chicago", ["cdt"] = "America/Chicago",
        ["mst"] = "America/Denver", ["mdt"] = "America/Denver", ["pst"] = "America/Los_Angeles", ["pdt"] = "America/Los_Angeles",
        ["jst"] = "Asia/Tokyo", ["aest"] = "Australia/Sydney", ["aedt"] = "Australia/Sydney", ["sgt"] = "Asia/Singapore",
        ["msk"] = "Europe/Moscow",
    };

    private static readonly Dictionary<string, string> Places = new(StringComparer.OrdinalIgnoreCase)
    {
        ["berlin"] = "Europe/Berlin", ["german"] = "Europe/Berlin", ["germany"] = "Europe/Berlin", ["paris"] = "Europe/Paris",
        ["france"] = "Europe/Paris", ["london"] = "Europe/London", ["uk"] = "Europe/London", ["madrid"] = "Europe/Madrid",
        ["rome"] = "Europe/Rome", ["amsterdam"] = "Europe/Amsterdam", ["vienna"] = "Europe/Vienna", ["zurich"] = "Europe/Zurich",
        ["dublin"] = "Europe/Dublin", ["lisbon"] = "Europe/Lisbon", ["central european"] = "Europe/Berlin",
        ["new york"] = "America/New_York", ["nyc"] = "America/New_York", ["eastern"] = "America/New_York",
        ["toronto"] = "America/Toronto", ["chicago"] = "America/Chicago", ["central"] = "America/Chicago",
        ["denver"] = "America/Denver", ["mountain"] = "America/Denver", ["pacific"] = "America/Los_Angeles",
        ["los angeles"] = "America/Los_Angeles", ["san francisco"] = "America/Los_Angeles", ["seattle"] = "America/Los_Angeles",
        ["tokyo"] = "Asia/Tokyo", ["singapore"] = "Asia/Singapore", ["dubai"] = "Asia/Dubai", ["india"] = "Asia/Kolkata",
        ["sydney"] = "Australia/Sydney",
    };

    /// <summary>The zone for an IANA id, or null when this machine does not know it.</summary>
    public static TimeZoneInfo? Find(string? ianaId)
    {
        if (string.IsNullOrWhiteSpace(ianaId))
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(ianaId);
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary>
    /// The IANA id of a zone named in lower-cased text, with its position so the caller can blank it
    /// before reading times ("10:30 cet" must not leave "cet" behind).
    /// </summary>
    public static (string Id, int Index, int Length)? Detect(string lowerText)
    {
        foreach (Match m in IanaRegex().Matches(lowerText))
        {
            var id = CanonicalCase(m.Value);
            if (Find(id) is not null)
            {
                return (id, m.Index, m.Length);
            }
        }

        var place = PlaceRegex().Match(lowerText);
        if (place.Success && Places.TryGetValue(place.Groups[1].Value, out var placeId))
        {
            return (placeId, place.Index, place.Length);
        }

        var region = RegionAfterTimeRegex().Match(lowerText);
        if (region.Success && Places.TryGetValue(region.Groups[1].Value, out var regionId))
        {
            return (regionId, region.Index, region.Length);
        }

        var abbr = AbbreviationRegex().Match(lowerText);
        if (abbr.Success && Abbreviations.TryGetValue(abbr.Groups[1].Value, out var abbrId))
        {
            return (abbrId, abbr.Index, abbr.Length);
        }

        return null;
    }

    // zoneinfo file names are case-sensitive: "europe/paris" -> "Europe/Paris", "america/new_york" -> "America/New_York".
    private static string CanonicalCase(string id) =>
        string.Join('/', id.Split('/').Select(part => string.Join('_', part.Split('_').Select(w =>
            w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()))));

    [GeneratedRegex(@"\b[A-Za-z]+(?:_[A-Za-z]+)*/[A-Za-z]+(?:_[A-Za-z]+)*(?:/[A-Za-z_]+)?\b")]
    private static partial Regex IanaRegex();

    [GeneratedRegex(@"\b(berlin|german|germany|paris|france|london|uk|madrid|rome|amsterdam|vienna|zurich|dublin|lisbon|central european|new york|nyc|eastern|toronto|chicago|central|denver|mountain|pacific|los angeles|san francisco|seattle|tokyo|singapore|dubai|india|sydney)\s+(?:standard\s+)?time\b", RegexOptions.IgnoreCase)]
    private static partial Regex PlaceRegex();

    // "10am Eastern": US region names count without "time" when they directly follow a clock time.
    [GeneratedRegex(@"(?<=(?:\d|am|pm)\s*)(eastern|pacific|mountain|central)\b", RegexOptions.IgnoreCase)]
    private static partial Regex RegionAfterTimeRegex();

    [GeneratedRegex(@"\b(utc|gmt|bst|wet|cest|cet|eest|eet|est|edt|cst|cdt|mst|mdt|pst|pdt|jst|aest|aedt|sgt|msk)\b", RegexOptions.IgnoreCase)]
    private static partial Regex AbbreviationRegex();
}
