using System.Net;
using CrmChatbot.Api.Configuration;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;

namespace CrmChatbot.Api.Tests.Admin;

public class DashboardSettingsTests
{
    private static CrmSettings Load(string? dashboardEnabled)
    {
        var values = new Dictionary<string, string?> { ["JWT_SECRET_KEY"] = CrmApiFactory.JwtKey, ["DASHBOARD_ENABLED"] = dashboardEnabled };
        return CrmSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), new HostingEnvironment { EnvironmentName = "Production", ApplicationName = "tests", ContentRootPath = Directory.GetCurrentDirectory() });
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("0", false)]
    public void Dashboard_enabled_is_on_by_default_and_reads_true_or_false(string? raw, bool expected) =>
        Assert.Equal(expected, Load(raw).DashboardEnabled);

    [Theory]
    [InlineData("yes")]
    [InlineData("off")]
    [InlineData("2")]
    public void A_bad_value_is_one_line_naming_the_variable(string raw)
    {
        var error = Assert.Throws<SettingsException>(() => Load(raw));

        Assert.Equal($"DASHBOARD_ENABLED '{raw}' is invalid: expected true or false", error.Message);
    }

    [Fact]
    public async Task Turned_off_there_is_no_dashboard_but_the_cluster_view_stays()
    {
        using var factory = new CrmApiFactory();
        using var disabled = factory.WithWebHostBuilder(builder => builder.UseSetting("DASHBOARD_ENABLED", "false"));
        using var anonymous = disabled.CreateClient();
        using var admin = await AdminClient.CreateAsync(disabled);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/dashboard/")).StatusCode);
        var session = await ProblemAssert.IsProblemAsync(await admin.PostAsync("/api/admin/dashboard-session", null), HttpStatusCode.NotFound);
        Assert.Contains("DASHBOARD_ENABLED=false", session.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var cluster = await ProblemAssert.JsonAsync(await admin.GetAsync("/api/admin/cluster"), HttpStatusCode.OK);
        Assert.Equal("active", cluster.GetProperty("silos")[0].GetProperty("status").GetString());
    }
}
