using CrmChatbot.Chat.Llm;

namespace CrmChatbot.Grains.Tests.Chat.Llm;

public sealed class LlmSettingsTests
{
    [Fact]
    public void None_set_means_off() => Assert.Null(LlmSettings.Parse(null, " ", "", null));

    [Fact]
    public void All_three_set_parse_with_the_default_timeout()
    {
        var settings = LlmSettings.Parse("https://llm.example/v1", "sk-1", "gpt-test", null)!;

        Assert.Equal(new Uri("https://llm.example/v1"), settings.Endpoint);
        Assert.Equal("gpt-test", settings.Model);
        Assert.Equal(TimeSpan.FromSeconds(20), settings.Timeout);
        Assert.DoesNotContain("sk-1", settings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://x/v1", null, "m", "CHAT_LLM_API_KEY missing")]
    [InlineData(null, "k", null, "CHAT_LLM_ENDPOINT and CHAT_LLM_MODEL missing")]
    [InlineData("ftp://x", "k", "m", "CHAT_LLM_ENDPOINT 'ftp://x' must be an absolute http:// or https:// URL")]
    [InlineData("/v1", "k", "m", "CHAT_LLM_ENDPOINT '/v1' must be an absolute http:// or https:// URL")]
    public void Partial_or_invalid_settings_name_the_problem(string? endpoint, string? key, string? model, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => LlmSettings.Parse(endpoint, key, model, null));

        Assert.EndsWith(expected, error.Message, StringComparison.Ordinal);
        if (key is not null)
        {
            Assert.DoesNotContain(key + " ", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("601")]
    public void A_bad_timeout_is_refused(string timeout)
    {
        var error = Assert.Throws<ArgumentException>(() => LlmSettings.Parse("http://x/v1", "k", "m", timeout));

        Assert.StartsWith("CHAT_LLM_TIMEOUT_SECONDS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_timeout_in_seconds_is_read() =>
        Assert.Equal(TimeSpan.FromSeconds(45), LlmSettings.Parse("http://x/v1", "k", "m", "45")!.Timeout);
}
