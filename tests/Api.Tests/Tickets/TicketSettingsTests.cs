using CrmChatbot.Api.Configuration;
using CrmChatbot.Tickets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace CrmChatbot.Api.Tests.Tickets;

public class TicketSettingsTests
{
    private static CrmSettings Load(params (string Key, string Value)[] values)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Append(("JWT_SECRET_KEY", "a-signing-key-of-at-least-thirty-two-bytes"))
                .Select(v => new KeyValuePair<string, string?>(v.Item1, v.Item2)))
            .Build();
        return CrmSettings.Load(config, new Env());
    }

    [Fact]
    public void Sla_defaults_and_overrides()
    {
        var defaults = Load().TicketSla;
        var custom = Load(("SLA_FIRST_RESPONSE_HOURS", "urgent:0.5,low:12"), ("SLA_RESOLUTION_HOURS", " high : 10 ")).TicketSla;

        Assert.Equal(TimeSpan.FromHours(1), defaults.FirstResponse[TicketPriority.Urgent]);
        Assert.Equal(TimeSpan.FromHours(168), defaults.Resolution[TicketPriority.Low]);
        Assert.Equal(TimeSpan.FromMinutes(30), custom.FirstResponse[TicketPriority.Urgent]);
        Assert.Equal(TimeSpan.FromHours(12), custom.FirstResponse[TicketPriority.Low]);
        Assert.Equal(TimeSpan.FromHours(8), custom.FirstResponse[TicketPriority.Medium]);
        Assert.Equal(TimeSpan.FromHours(10), custom.Resolution[TicketPriority.High]);
    }

    [Theory]
    [InlineData("SLA_FIRST_RESPONSE_HOURS", "urgent:1,critical:2")]
    [InlineData("SLA_FIRST_RESPONSE_HOURS", "urgent:0")]
    [InlineData("SLA_RESOLUTION_HOURS", "high:4,high:5")]
    [InlineData("SLA_RESOLUTION_HOURS", "high=4")]
    [InlineData("SLA_RESOLUTION_HOURS", "low:1e3")]
    public void A_bad_sla_value_stops_start_up_naming_the_variable(string name, string value)
    {
        var error = Assert.Throws<SettingsException>(() => Load((name, value)));

        Assert.StartsWith($"{name} '{value}' is invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quota_defaults_and_overrides()
    {
        var defaults = Load().TicketQuotas;
        var custom = Load(("TICKET_CLIENT_MAX_OPEN", "5"), ("TICKET_CLIENT_COMMENTS_PER_HOUR", "7"), ("TICKET_CLIENT_STATUS_CHANGES_PER_DAY", "3")).TicketQuotas;

        Assert.Equal((20, 30, 10), (defaults.MaxOpenTicketsPerClient, defaults.ClientCommentsPerHour, defaults.ClientStatusChangesPerDay));
        Assert.Equal((5, 7, 3), (custom.MaxOpenTicketsPerClient, custom.ClientCommentsPerHour, custom.ClientStatusChangesPerDay));
    }

    [Theory]
    [InlineData("TICKET_CLIENT_MAX_OPEN", "0")]
    [InlineData("TICKET_CLIENT_COMMENTS_PER_HOUR", "many")]
    [InlineData("TICKET_CLIENT_STATUS_CHANGES_PER_DAY", "-1")]
    public void A_bad_quota_stops_start_up_naming_the_variable(string name, string value)
    {
        var error = Assert.Throws<SettingsException>(() => Load((name, value)));

        Assert.StartsWith($"{name} '{value}' is invalid", error.Message, StringComparison.Ordinal);
    }

    private sealed class Env : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "test";
        public string ContentRootPath { get; set; } = ".";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
