using System.Text.Json;
using CrmChatbot.Api.Auth;
using CrmChatbot.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace CrmChatbot.Api.Health;

/// <summary>Ready while the host is not stopping: SIGTERM turns readiness off before requests drain.</summary>
public sealed class LifetimeHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("shutting down")
            : lifetime.ApplicationStarted.IsCancellationRequested
                ? HealthCheckResult.Healthy("started")
                : HealthCheckResult.Unhealthy("starting"));
}

public sealed class StorageHealthCheck(IStorageHealth storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.CheckAsync(cancellationToken);
            return HealthCheckResult.Healthy(storage.Describe());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{storage.Describe()}: {ex.Message}");
        }
    }
}

public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddCrmHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<LifetimeHealthCheck>("host", tags: [ReadyTag])
            .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag])
            .AddCheck<MembershipHealthCheck>("membership", tags: [ReadyTag]);
        services.AddHostedService<ShutdownDrain>();
        return services;
    }

    public static IEndpointRouteBuilder MapCrmHealth(this IEndpointRouteBuilder routes)
    {
        // Live: the process answers. Ready: it can serve (started, not stopping, storage reachable, silo an active cluster member).
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .WithTags("Health");
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteAsync,
        }).WithTags("Health");
        return routes;
    }

    /// <summary>
    /// Everyone gets the overall status (and the status code load balancers act on); only an admin's bearer token
    /// also gets each check with its detail, which names the data file or database and the silo address.
    /// </summary>
    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        var admin = context.User.Identity?.IsAuthenticated == true &&
            (await context.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(context.User, Policies.Admin)).Succeeded;
        context.Response.ContentType = "application/json";
        var status = report.Status.ToString().ToLowerInvariant();
        await (admin
            ? JsonSerializer.SerializeAsync(context.Response.Body, new
            {
                status,
                checks = report.Entries.ToDictionary(
                    e => e.Key,
                    e => new { status = e.Value.Status.ToString().ToLowerInvariant(), detail = e.Value.Description }),
            })
            : JsonSerializer.SerializeAsync(context.Response.Body, new { status }));
    }
}
