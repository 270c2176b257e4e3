using System.Text;
using CrmChatbot.Api.Meetings;
using CrmChatbot.Meetings;

namespace CrmChatbot.Api.Tests.Meetings;

public class MeetingCalendarFileTests
{
    private static readonly DateTime Start = new(2030, 3, 4, 9, 30, 0, DateTimeKind.Utc);

    private static MeetingDto Meeting(string title = "Kick-off", string? notes = null, MeetingStatus status = MeetingStatus.Scheduled) => new(
        "0190abcd", title, Start, Start.AddMinutes(45), 45, "Europe/Berlin", "Room 1, 2nd floor", "https://meet.example.com/x", status,
        [
            new ParticipantDto(ParticipantKind.User, "u1", null, "org@example.com", "Org \"The\" Nizer", ParticipantResponse.Accepted, true),
            new ParticipantDto(ParticipantKind.Email, null, null, "guest@example.com", null, ParticipantResponse.Tentative, false),
            new ParticipantDto(ParticipantKind.Lead, null, "l1", null, "Lead; Name", ParticipantResponse.NeedsAction, false),
            new ParticipantDto(ParticipantKind.User, "u2", null, "no@example.com", "No", ParticipantResponse.Declined, false),
        ],
        notes, null, null, "u1", null, Start.AddDays(-1), new DateTime(2030, 3, 1, 12, 0, 0, 123, DateTimeKind.Utc), 7);

    private static string[] Unfolded(string ics) => ics.Replace("\r\n ", "", StringComparison.Ordinal).Split("\r\n")[..^1];

    [Fact]
    public void Builds_one_vevent_with_utc_times_uid_sequence_and_status()
    {
        var lines = Unfolded(MeetingCalendarFile.Build(Meeting()));

        Assert.Equal("BEGIN:VCALENDAR", lines[0]);
        Assert.Equal("END:VCALENDAR", lines[^1]);
        Assert.Contains("VERSION:2.0", lines);
        Assert.Contains("UID:0190abcd@crmchatbot", lines);
        Assert.Contains("DTSTAMP:20300301T120000Z", lines);
        Assert.Contains("DTSTART:20300304T093000Z", lines);
        Assert.Contains("DTEND:20300304T101500Z", lines);
        Assert.Contains("SUMMARY:Kick-off", lines);
        Assert.Contains(@"LOCATION:Room 1\, 2nd floor", lines);
        Assert.Contains("URL:https://meet.example.com/x", lines);
        Assert.Contains("STATUS:CONFIRMED", lines);
        Assert.Contains("SEQUENCE:7", lines);
        Assert.Contains("ORGANIZER;CN=\"Org The Nizer\":mailto:org@example.com", lines);
        Assert.Contains("ATTENDEE;CN=\"Org The Nizer\";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:org@example.com", lines);
        Assert.Contains("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=TENTATIVE:mailto:guest@example.com", lines);
        Assert.Contains("ATTENDEE;CN=\"Lead; Name\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:urn:crmchatbot:lead:l1", lines);
        Assert.Contains("ATTENDEE;CN=\"No\";ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED:mailto:no@example.com", lines);
        Assert.Single(lines, l => l == "BEGIN:VEVENT");
        Assert.DoesNotContain(lines, l => l.StartsWith("DESCRIPTION", StringComparison.Ordinal));
    }

    [Fact]
    public void Cancelled_meetings_are_cancelled_events()
    {
        Assert.Contains("STATUS:CANCELLED", Unfolded(MeetingCalendarFile.Build(Meeting(status: MeetingStatus.Cancelled))));
    }

    [Fact]
    public void Uses_crlf_only()
    {
        var ics = MeetingCalendarFile.Build(Meeting(notes: "line one\nline two\r\nline three\rfour"));
        Assert.EndsWith("\r\n", ics, StringComparison.Ordinal);
        Assert.Equal(ics.Split('\n').Length - 1, ics.Split("\r\n").Length - 1);
        Assert.Equal(ics.Split('\r').Length - 1, ics.Split("\r\n").Length - 1);
        Assert.Contains(@"DESCRIPTION:line one\nline two\nline three\nfour", Unfolded(ics));
    }

    [Theory]
    [InlineData(@"a\b", @"a\\b")]
    [InlineData("a;b", @"a\;b")]
    [InlineData("a,b", @"a\,b")]
    [InlineData("a\nb", @"a\nb")]
    [InlineData("a\r\nb", @"a\nb")]
    [InlineData("a:b \"c\"", "a:b \"c\"")]
    [InlineData(@"\;,", @"\\\;\,")]
    public void Escapes_text(string raw, string escaped)
    {
        Assert.Equal(escaped, MeetingCalendarFile.EscapeText(raw));
    }

    [Fact]
    public void Short_lines_are_not_folded()
    {
        var line = new string('a', 75);
        Assert.Equal(line + "\r\n", MeetingCalendarFile.Fold(line));
    }

    [Fact]
    public void Long_ascii_lines_fold_at_75_octets()
    {
        var line = new string('a', 200);
        var physical = MeetingCalendarFile.Fold(line).Split("\r\n")[..^1];

        Assert.Equal(75, physical[0].Length);
        Assert.All(physical.Skip(1), p => Assert.StartsWith(" ", p, StringComparison.Ordinal));
        Assert.Equal(75, physical[1].Length);
        Assert.Equal(line, string.Concat(physical.Select((p, i) => i == 0 ? p : p[1..])));
    }

    [Theory]
    [InlineData("é")] // 2 octets
    [InlineData("€")] // 3 octets
    [InlineData("😀")] // 4 octets, a surrogate pair in UTF-16
    public void Multi_byte_characters_are_never_split(string character)
    {
        // A prefix that makes each character straddle the 75-octet boundary at some point.
        for (var prefix = 0; prefix < 5; prefix++)
        {
            var line = "SUMMARY:" + new string('x', prefix) + string.Concat(Enumerable.Repeat(character, 60));
            var physical = MeetingCalendarFile.Fold(line).Split("\r\n")[..^1];

            foreach (var part in physical)
            {
                var bytes = Encoding.UTF8.GetBytes(part);
                Assert.True(bytes.Length <= 75, $"{bytes.Length} octets");
                // Round-trips: no half character (which would decode to U+FFFD).
                Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(bytes));
                Assert.False(char.IsHighSurrogate(part[^1]));
            }

            Assert.True(Encoding.UTF8.GetByteCount(physical[0]) > 75 - Encoding.UTF8.GetByteCount(character));
            Assert.Equal(line, string.Concat(physical.Select((p, i) => i == 0 ? p : p[1..])));
        }
    }

    [Fact]
    public void Every_physical_line_of_a_long_meeting_fits_75_octets()
    {
        var ics = MeetingCalendarFile.Build(Meeting(title: string.Concat(Enumerable.Repeat("Résumé 😀 review; ", 20)), notes: new string('n', 500)));
        Assert.All(ics.Split("\r\n"), l => Assert.True(Encoding.UTF8.GetByteCount(l) <= 75));
        Assert.Contains("SUMMARY:" + MeetingCalendarFile.EscapeText(string.Concat(Enumerable.Repeat("Résumé 😀 review; ", 20))), Unfolded(ics));
    }

    [Fact]
    public void Maps_every_response_to_a_partstat()
    {
        Assert.Equal("NEEDS-ACTION", MeetingCalendarFile.PartStat(ParticipantResponse.NeedsAction));
        Assert.Equal("ACCEPTED", MeetingCalendarFile.PartStat(ParticipantResponse.Accepted));
        Assert.Equal("DECLINED", MeetingCalendarFile.PartStat(ParticipantResponse.Declined));
        Assert.Equal("TENTATIVE", MeetingCalendarFile.PartStat(ParticipantResponse.Tentative));
    }
}
