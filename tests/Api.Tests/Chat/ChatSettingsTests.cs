using CrmChatbot.Api.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;

namespace CrmChatbot.Api.Tests.Chat;

public class ChatSettingsTests
{
    private static CrmSettings Load(params (string Key, string Value)[] values) => CrmSettings.Load(
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(),
        new HostingEnvironment { EnvironmentName = "Development", ApplicationName = "tests", ContentRootPath = Directory.GetCurrentDirectory() });

    [Fact]
    public void Idle_sessions_close_after_60_minutes_by_default_and_it_is_configurable()
    {
        Assert.Equal(60, Load().ChatIdleMinutes);
        Assert.Equal(5, Load(("CHAT_IDLE_MINUTES", "5")).ChatIdleMinutes);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("later")]
    [InlineData("20000")]
    public void A_bad_idle_time_stops_start_up_naming_the_variable(string value)
    {
        var error = Assert.Throws<SettingsException>(() => Load(("CHAT_IDLE_MINUTES", value)));
        Assert.StartsWith("CHAT_IDLE_MINUTES", error.Message, StringComparison.Ordinal);
    }
}
