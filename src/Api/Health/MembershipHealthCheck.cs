using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace CrmChatbot.Api.Health;

/// <summary>
/// Ready only while the co-hosted silo is an Active member of its cluster: Joining, ShuttingDown,
/// Stopping or Dead (e.g. voted out by the other silos) is unhealthy, with the status in the detail.
/// </summary>
public sealed class MembershipHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Resolved lazily: the oracle belongs to the silo, which a host without one does not have.
        if (services.GetService<ISiloStatusOracle>() is not { } oracle)
        {
            return Task.FromResult(HealthCheckResult.Healthy("no silo in this process"));
        }

        var status = oracle.CurrentStatus;
        if (status != SiloStatus.Active)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"silo {oracle.SiloAddress.ToParsableString()} is {Describe(status)}"));
        }

        var active = oracle.GetApproximateSiloStatuses(onlyActive: true).Count;
        return Task.FromResult(HealthCheckResult.Healthy($"silo {oracle.SiloAddress.ToParsableString()} is active; {active} active silo{(active == 1 ? "" : "s")} in the cluster"));
    }

    public static string Describe(SiloStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());
}
