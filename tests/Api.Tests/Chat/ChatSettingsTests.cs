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

    [Fact]
    public void Chat_limits_have_defaults_for_real_use_and_are_configurable()
    {
        var defaults = Load();
        Assert.Equal((20, 20, 1, 1), (defaults.ChatSessionsPerHourPerAddress, defaults.ChatMessagesPerMinute, defaults.ChatAnonMaxLeads, defaults.ChatAnonMaxMeetings));
        var set = Load(("CHAT_SESSIONS_PER_HOUR_PER_ADDRESS", "100"), ("CHAT_MESSAGES_PER_MINUTE", "5"), ("CHAT_ANON_MAX_LEADS", "0"), ("CHAT_ANON_MAX_MEETINGS", "3"));
        Assert.Equal((100, 5, 0, 3), (set.ChatSessionsPerHourPerAddress, set.ChatMessagesPerMinute, set.ChatAnonMaxLeads, set.ChatAnonMaxMeetings));
    }

    [Theory]
    [InlineData("CHAT_SESSIONS_PER_HOUR_PER_ADDRESS", "0")]
    [InlineData("CHAT_MESSAGES_PER_MINUTE", "many")]
    [InlineData("CHAT_ANON_MAX_LEADS", "-1")]
    [InlineData("CHAT_ANON_MAX_MEETINGS", "101")]
    public void A_bad_chat_limit_stops_start_up_naming_the_variable(string name, string value)
    {
        var error = Assert.Throws<SettingsException>(() => Load((name, value)));
        Assert.StartsWith(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Chat_embeddings_are_on_by_default_and_can_be_turned_off()
    {
        Assert.True(Load().ChatEmbeddings);
        Assert.False(Load(("CHAT_EMBEDDINGS", "off")).ChatEmbeddings);
        Assert.True(Load(("CHAT_EMBEDDINGS", "ON")).ChatEmbeddings);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("0")]
    public void A_bad_chat_embeddings_value_stops_start_up_naming_the_variable(string value)
    {
        var error = Assert.Throws<SettingsException>(() => Load(("CHAT_EMBEDDINGS", value)));
        Assert.StartsWith("CHAT_EMBEDDINGS", error.Message, StringComparison.Ordinal);
    }
}
