using CrmChatbot.Chat.Language;

namespace CrmChatbot.Grains.Tests.Chat;

/// <summary>InvariantGlobalization is on; IANA ids must still resolve (from tzdata) with correct DST rules.</summary>
public sealed class TimeZoneTests
{
    [Theory]
    [InlineData("Europe/Berlin", 1, 2)]
    [InlineData("America/New_York", -5, -4)]
    [InlineData("Asia/Kolkata", 5.5, 5.5)]
    [InlineData("UTC", 0, 0)]
    public void Iana_ids_resolve_with_winter_and_summer_offsets(string id, double winter, double summer)
    {
        var zone = TimeZones.Find(id);
        Assert.NotNull(zone);
        Assert.Equal(TimeSpan.FromHours(winter), zone.GetUtcOffset(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(TimeSpan.FromHours(summer), zone.GetUtcOffset(new DateTimeOffset(2026, 7, 15, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Unknown_ids_are_null_not_exceptions()
    {
        Assert.Null(TimeZones.Find("Mars/Olympus_Mons"));
        Assert.Null(TimeZones.Find(null));
    }

    [Fact]
    public void Summer_times_convert_with_daylight_saving()
    {
        var context = new ChatContext(new DateTimeOffset(2026, 7, 1, 8, 0, 0, TimeSpan.Zero), "Europe/Berlin");
        var a = LanguageTestSupport.Engine.Analyze("book a meeting tomorrow at 3pm", context);
        Assert.Equal("2026-07-02T13:00:00Z", a.Slots[SlotKeys.Start]);
    }

    [Fact]
    public void An_unknown_session_zone_falls_back_to_utc()
    {
        var context = new ChatContext(LanguageTestSupport.Now, "Not/AZone");
        var a = LanguageTestSupport.Engine.Analyze("book a meeting tomorrow at 3pm", context);
        Assert.Equal("2026-11-27T15:00:00Z", a.Slots[SlotKeys.Start]);
        Assert.Equal("UTC", a.Slots[SlotKeys.TimeZone]);
    }
}
