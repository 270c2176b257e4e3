using CrmChatbot.Api.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace CrmChatbot.Api.Tests.Meetings;

public class MeetingSettingsTests
{
    private static CrmSettings Load(params (string Key, string Value)[] values) => CrmSettings.Load(
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(),
        new Env());

    [Fact]
    public void The_reminder_offset_defaults_to_15_minutes_and_is_configurable()
    {
        Assert.Equal(15, Load().MeetingReminderMinutes);
        Assert.Equal(60, Load(("MEETING_REMINDER_MINUTES", "60")).MeetingReminderMinutes);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("20000")]
    public void A_bad_reminder_offset_stops_start_up_naming_the_variable(string value)
    {
        var error = Assert.Throws<SettingsException>(() => Load(("MEETING_REMINDER_MINUTES", value)));
        Assert.StartsWith("MEETING_REMINDER_MINUTES", error.Message, StringComparison.Ordinal);
    }

    private sealed class Env : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Development";
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = Directory.GetCurrentDirectory();
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
