using System.Net;
using System.Reflection;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Api.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace CrmChatbot.Api.Tests.Membership;

/// <summary>Readiness follows the silo's membership status; the shutdown and membership-cleanup settings.</summary>
public sealed class ReadinessAndShutdownTests
{
    private static readonly SiloAddress Silo = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 42);

    [Theory]
    [InlineData(SiloStatus.Joining, "joining")]
    [InlineData(SiloStatus.ShuttingDown, "shutting_down")]
    [InlineData(SiloStatus.Stopping, "stopping")]
    [InlineData(SiloStatus.Dead, "dead")]
    public async Task A_silo_that_is_not_an_active_member_is_not_ready_and_says_its_status(SiloStatus status, string name)
    {
        var result = await CheckAsync(FakeOracle.For(status, activeSilos: 2));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal($"silo 127.0.0.1:11111@42 is {name}", result.Description);
    }

    [Fact]
    public async Task An_active_silo_is_ready_and_counts_the_active_silos()
    {
        var result = await CheckAsync(FakeOracle.For(SiloStatus.Active, activeSilos: 3));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("silo 127.0.0.1:11111@42 is active; 3 active silos in the cluster", result.Description);
    }

    [Fact]
    public async Task A_host_without_a_silo_is_not_held_back_by_membership()
    {
        var result = await CheckAsync(null);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("no silo in this process", result.Description);
    }

    [Fact]
    public void Shutdown_and_cleanup_settings_default_to_no_drain_30_s_hourly_and_one_day()
    {
        var settings = Load();

        Assert.Equal(0, settings.ShutdownDrainSeconds);
        Assert.Equal(30, settings.ShutdownTimeoutSeconds);
        Assert.Equal(60, settings.MembershipCleanupPeriodMinutes);
        Assert.Equal(24, settings.MembershipDefunctSiloHours);
    }

    [Fact]
    public void Shutdown_and_cleanup_settings_are_read()
    {
        var settings = Load(("SHUTDOWN_DRAIN_SECONDS", "5"), ("SHUTDOWN_TIMEOUT_SECONDS", "45"),
            ("MEMBERSHIP_CLEANUP_PERIOD_MINUTES", "15"), ("MEMBERSHIP_DEFUNCT_SILO_HOURS", "168"));

        Assert.Equal((5, 45, 15, 168), (settings.ShutdownDrainSeconds, settings.ShutdownTimeoutSeconds,
            settings.MembershipCleanupPeriodMinutes, settings.MembershipDefunctSiloHours));
    }

    [Theory]
    [InlineData("SHUTDOWN_DRAIN_SECONDS", "-1")]
    [InlineData("SHUTDOWN_DRAIN_SECONDS", "301")]
    [InlineData("SHUTDOWN_TIMEOUT_SECONDS", "4")]
    [InlineData("SHUTDOWN_TIMEOUT_SECONDS", "soon")]
    [InlineData("MEMBERSHIP_CLEANUP_PERIOD_MINUTES", "0")]
    [InlineData("MEMBERSHIP_DEFUNCT_SILO_HOURS", "0")]
    [InlineData("MEMBERSHIP_DEFUNCT_SILO_HOURS", "1.5")]
    public void A_bad_value_stops_start_up_naming_the_variable(string name, string value)
    {
        var error = Assert.Throws<SettingsException>(() => Load((name, value)));

        Assert.StartsWith($"{name} '{value}' is invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_drain_as_long_as_the_shutdown_timeout_is_refused()
    {
        var error = Assert.Throws<SettingsException>(() => Load(("SHUTDOWN_DRAIN_SECONDS", "30")));

        Assert.Equal("SHUTDOWN_DRAIN_SECONDS '30' is invalid: it must be less than SHUTDOWN_TIMEOUT_SECONDS (30), which includes it", error.Message);
    }

    private static Task<HealthCheckResult> CheckAsync(ISiloStatusOracle? oracle)
    {
        var services = new ServiceCollection();
        if (oracle is not null)
        {
            services.AddSingleton(oracle);
        }

        using var provider = services.BuildServiceProvider();
        return new MembershipHealthCheck(provider).CheckHealthAsync(new HealthCheckContext());
    }

    private static CrmSettings Load(params (string Key, string Value)[] values) => CrmSettings.Load(
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(),
        new Env());

    /// <summary>The few oracle members the check reads; anything else is not expected.</summary>
    public class FakeOracle : DispatchProxy
    {
        private SiloStatus _status;
        private int _activeSilos;

        public static ISiloStatusOracle For(SiloStatus status, int activeSilos)
        {
            var oracle = Create<ISiloStatusOracle, FakeOracle>();
            var fake = (FakeOracle)(object)oracle;
            fake._status = status;
            fake._activeSilos = activeSilos;
            return oracle;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            "get_CurrentStatus" => _status,
            "get_SiloAddress" => Silo,
            "GetApproximateSiloStatuses" => Enumerable.Range(0, _activeSilos)
                .ToDictionary(i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 20000 + i), 1), _ => SiloStatus.Active),
            var other => throw new NotSupportedException(other),
        };
    }

    private sealed class Env : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Development";
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = Directory.GetCurrentDirectory();
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

/// <summary>The real Program's readiness includes the co-hosted silo's membership.</summary>
[Collection(SqliteApiCollection.Name)]
public sealed class ReadinessMembershipOnSqlite(SqliteApiFixture fixture)
{
    [Fact]
    public async Task Ready_reports_the_silo_as_the_one_active_member()
    {
        using var http = fixture.Admin(); // the checks' details are for admins

        var ready = await ProblemAssert.JsonAsync(await http.GetAsync("/health/ready"), HttpStatusCode.OK);

        var membership = ready.GetProperty("checks").GetProperty("membership");
        Assert.Equal("healthy", membership.GetProperty("status").GetString());
        Assert.Matches(@"^silo 127\.0\.0\.1:\d+@\d+ is active; 1 active silo in the cluster$", membership.GetProperty("detail").GetString());
    }
}
