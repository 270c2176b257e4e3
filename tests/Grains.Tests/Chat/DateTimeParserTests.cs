using CrmChatbot.Chat.Language;

namespace CrmChatbot.Grains.Tests.Chat;

/// <summary>Reference: Thursday 2026-11-26 10:00 in Berlin (09:00 UTC).</summary>
public sealed class DateTimeParserTests
{
    private static readonly TimeZoneInfo Berlin = TimeZones.Find("Europe/Berlin")!;

    private static TemporalExpression Parse(string text) => DateTimeParser.Parse(text, LanguageTestSupport.Now, Berlin);

    [Theory]
    [InlineData("tomorrow at 3pm", "2026-11-27", "15:00")]
    [InlineData("today 17:00", "2026-11-26", "17:00")]
    [InlineData("next monday 10:30", "2026-11-30", "10:30")]
    [InlineData("dec 3 at 14:00", "2026-12-03", "14:00")]
    [InlineData("3 december 2pm", "2026-12-03", "14:00")]
    [InlineData("12/03 at 9am", "2026-12-03", "09:00")]
    [InlineData("2026-12-03 14:30", "2026-12-03", "14:30")]
    [InlineData("the day after tomorrow at 10", "2026-11-28", "10:00")]
    [InlineData("tonight at 7", "2026-11-26", "19:00")]
    [InlineData("tomorrow morning at 7", "2026-11-27", "07:00")]
    [InlineData("on the 3rd at 9:15", "2026-12-03", "09:15")]
    public void Reads_date_and_time(string text, string date, string time)
    {
        var t = Parse(text);
        Assert.Equal(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), t.Date);
        Assert.Equal(TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture), t.Time);
    }

    [Theory]
    [InlineData("on thursday", "2026-12-03")]
    [InlineData("friday", "2026-11-27")]
    [InlineData("3.12.", "2026-12-03")]
    [InlineData("nov 20", "2027-11-20")]
    [InlineData("5 jan", "2027-01-05")]
    [InlineData("jan 12, 2027", "2027-01-12")]
    [InlineData("in 3 days", "2026-11-29")]
    public void Weekdays_are_strictly_ahead_and_past_dates_roll_to_next_year(string text, string date)
    {
        Assert.Equal(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), Parse(text).Date);
    }

    [Theory]
    [InlineData("noon", "12:00")]
    [InlineData("midnight", "00:00")]
    [InlineData("half past two", "14:30")]
    [InlineData("quarter to 10", "09:45")]
    [InlineData("at 4", "16:00")]
    [InlineData("at 9", "09:00")]
    [InlineData("12am", "00:00")]
    [InlineData("12 pm", "12:00")]
    [InlineData("8:30am", "08:30")]
    [InlineData("3 p.m.", "15:00")]
    [InlineData("3:30", "15:30")]
    [InlineData("03:30", "03:30")]
    [InlineData("monday 9", "09:00")]
    public void Reads_clock_times_with_business_hour_guesses(string text, string time)
    {
        Assert.Equal(TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture), Parse(text).Time);
    }

    [Theory]
    [InlineData("for 45 minutes", 45)]
    [InlineData("1 hour", 60)]
    [InlineData("90 min", 90)]
    [InlineData("half an hour", 30)]
    [InlineData("an hour and a half", 90)]
    [InlineData("a 30-minute call", 30)]
    [InlineData("1.5 hours", 90)]
    [InlineData("45 minutes not an hour", 45)]
    public void Reads_durations(string text, int minutes)
    {
        Assert.Equal(minutes, Parse(text).DurationMinutes);
    }

    [Fact]
    public void In_two_hours_is_a_start_not_a_duration()
    {
        var t = Parse("in 2 hours");
        Assert.Equal(TimeSpan.FromHours(2), t.FromNow);
        Assert.Null(t.DurationMinutes);
    }

    [Theory]
    [InlineData("3pm berlin time", "Europe/Berlin")]
    [InlineData("10:30 cet", "Europe/Berlin")]
    [InlineData("14:00 europe/paris", "Europe/Paris")]
    [InlineData("3pm est", "America/New_York")]
    [InlineData("4 pm london time", "Europe/London")]
    [InlineData("10am eastern", "America/New_York")]
    [InlineData("16:30 utc", "UTC")]
    public void Names_the_zone_and_reads_the_time_in_it(string text, string zone)
    {
        var t = Parse(text);
        Assert.Equal(zone, t.ZoneId);
        Assert.NotNull(t.Time);
    }

    [Fact]
    public void Nothing_temporal_in_plain_text()
    {
        var t = Parse("we are a team of 40 and want 20 licenses");
        Assert.False(t.HasDateOrTime);
        Assert.Null(t.DurationMinutes);
        Assert.Null(t.ZoneId);
    }
}
