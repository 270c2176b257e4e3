using System.Globalization;
using System.Text;
using CrmChatbot.Meetings;

namespace CrmChatbot.Api.Meetings;

/// <summary>
/// Writes a meeting as an iCalendar (RFC 5545) object with one VEVENT: CRLF line endings, lines
/// folded at 75 octets without splitting a UTF-8 character, TEXT values escaped, times in UTC.
/// </summary>
public static class MeetingCalendarFile
{
    public const string ContentType = "text/calendar; charset=utf-8";
    public const int MaxLineOctets = 75;

    public static string Build(MeetingDto meeting)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//CrmChatbot//Meetings//EN",
            "CALSCALE:GREGORIAN",
            "BEGIN:VEVENT",
            $"UID:{meeting.Id}@crmchatbot",
            // Without METHOD, DTSTAMP is when the event was last revised.
            $"DTSTAMP:{UtcStamp(meeting.UpdatedAt)}",
            $"DTSTART:{UtcStamp(meeting.Date)}",
            $"DTEND:{UtcStamp(meeting.End)}",
            $"SUMMARY:{EscapeText(meeting.Title)}",
        };
        if (!string.IsNullOrEmpty(meeting.Notes))
        {
            lines.Add($"DESCRIPTION:{EscapeText(meeting.Notes)}");
        }

        if (!string.IsNullOrEmpty(meeting.Location))
        {
            lines.Add($"LOCATION:{EscapeText(meeting.Location)}");
        }

        if (!string.IsNullOrEmpty(meeting.MeetingUrl))
        {
            lines.Add($"URL:{UriValue(meeting.MeetingUrl)}");
        }

        lines.Add("STATUS:" + (meeting.Status == MeetingStatus.Cancelled ? "CANCELLED" : "CONFIRMED"));
        lines.Add("SEQUENCE:" + meeting.Version.ToString(CultureInfo.InvariantCulture));
        if (meeting.Participants.FirstOrDefault(p => p.IsOrganizer) is { } organizer)
        {
            lines.Add($"ORGANIZER{NameParameter(organizer)}:{Address(organizer)}");
        }

        foreach (var participant in meeting.Participants)
        {
            lines.Add($"ATTENDEE{NameParameter(participant)};ROLE=REQ-PARTICIPANT;PARTSTAT={PartStat(participant.Response)}:{Address(participant)}");
        }

        lines.Add("END:VEVENT");
        lines.Add("END:VCALENDAR");

        var ics = new StringBuilder();
        foreach (var line in lines)
        {
            ics.Append(Fold(line));
        }

        return ics.ToString();
    }

    /// <summary>iCalendar PARTSTAT of a response.</summary>
    public static string PartStat(ParticipantResponse response) => response switch
    {
        ParticipantResponse.Accepted => "ACCEPTED",
        ParticipantResponse.Declined => "DECLINED",
        ParticipantResponse.Tentative => "TENTATIVE",
        _ => "NEEDS-ACTION",
    };

    /// <summary>Escapes a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 3.3.11).</summary>
    public static string EscapeText(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var escaped = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\': escaped.Append(@"\\"); break;
                case ';': escaped.Append(@"\;"); break;
                case ',': escaped.Append(@"\,"); break;
                case '\r':
                    escaped.Append(@"\n");
                    if (i + 1 < value.Length && value[i + 1] == '\n')
                    {
                        i++; // CRLF is one line break
                    }

                    break;
                case '\n': escaped.Append(@"\n"); break;
                default:
                    // Other control characters are not allowed in TEXT.
                    if (!char.IsControl(c) || c == '\t')
                    {
                        escaped.Append(c);
                    }

                    break;
            }
        }

        return escaped.ToString();
    }

    /// <summary>
    /// One content line, folded: at most 75 octets per physical line, continuation lines start with
    /// a space (which counts toward their 75), and a multi-byte character is never split. Ends in CRLF.
    /// </summary>
    public static string Fold(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var folded = new StringBuilder(line.Length + 8);
        var octets = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > MaxLineOctets)
            {
                folded.Append("\r\n ");
                octets = 1;
            }

            folded.Append(rune.ToString());
            octets += size;
        }

        return folded.Append("\r\n").ToString();
    }

    private static string UtcStamp(DateTime value) =>
        (value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A quoted CN parameter (quotes and control characters cannot appear in a parameter value).</summary>
    private static string NameParameter(ParticipantDto participant)
    {
        var name = new string((participant.Name ?? "").Where(c => c != '"' && !char.IsControl(c)).ToArray()).Trim();
        return name.Length == 0 ? "" : $";CN=\"{name}\"";
    }

    /// <summary>
    /// A URI value is not escaped like TEXT, so anything that could end the line or the property is
    /// dropped: control characters (validation refuses them, older stored data may still hold them),
    /// and quotes and spaces, which are never valid in a URI anyway.
    /// </summary>
    public static string UriValue(string value) =>
        new(value.Where(c => !char.IsControl(c) && !char.IsWhiteSpace(c) && c != '"').ToArray());

    private static string Address(ParticipantDto participant) => participant.Email is { Length: > 0 } email
        ? "mailto:" + UriValue(email)
        : UriValue(participant.Kind switch
        {
            ParticipantKind.Lead => $"urn:crmchatbot:lead:{participant.LeadId}",
            // A guest known only by name: the name (percent-encoded, so the URI holds no space) stands in for an address.
            ParticipantKind.Name => $"urn:crmchatbot:guest:{Uri.EscapeDataString(participant.Name ?? "")}",
            _ => $"urn:crmchatbot:user:{participant.UserId}",
        });
}
