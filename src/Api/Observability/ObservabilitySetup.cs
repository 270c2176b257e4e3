using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Api.Http;
using CrmChatbot.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CrmChatbot.Api.Observability;

/// <summary>
/// OpenTelemetry for the one process: metrics always (HTTP, Orleans, the runtime, the store and chat), scraped
/// by Prometheus at <see cref="MetricsPath"/>; traces (HTTP requests, Orleans grain calls, store operations in
/// one trace) and OTLP export of all signals when OTEL_EXPORTER_OTLP_ENDPOINT is set. Without a collector no
/// span is recorded, so requests pay nothing for tracing.
/// </summary>
public static class ObservabilitySetup
{
    public const string MetricsPath = "/metrics";

    /// <summary>The activity sources of Orleans' grain-call spans (client and server side).</summary>
    public static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static IServiceCollection AddCrmObservability(this IServiceCollection services, CrmSettings settings)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME, when set, names the service instead (read by the SDK's environment detector).
                if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME")))
                {
                    resource.AddService("crm-chatbot");
                }
            })
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter("Microsoft.Orleans")
                .AddMeter("System.Runtime")
                .AddMeter(CrmDiagnostics.Name)
                .AddPrometheusExporter());
        if (settings.Telemetry.OtlpEndpoint is not null)
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath))
                    .AddSource(OrleansSources)
                    .AddSource(CrmDiagnostics.Name))
                .UseOtlpExporter();
        }

        return services;
    }

    /// <summary>
    /// With METRICS_PORT, that port answers <see cref="MetricsPath"/> without authentication and nothing else (404),
    /// ahead of the API's pipeline. Call first.
    /// </summary>
    public static WebApplication UseCrmMetricsPort(this WebApplication app, CrmSettings settings)
    {
        if (settings.Telemetry.MetricsPort is { } port)
        {
            app.UseWhen(context => context.Connection.LocalPort == port, metricsPort =>
            {
                metricsPort.UseOpenTelemetryPrometheusScrapingEndpoint();
                metricsPort.Run(context => Problems.NotFound($"Port {port} serves {MetricsPath} only.").ExecuteAsync(context));
            });
        }

        return app;
    }

    /// <summary>The Prometheus scrape on the API port: admins only (Prometheus sends a bearer token).</summary>
    public static WebApplication MapCrmMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(Policies.Admin).ExcludeFromDescription();
        return app;
    }
}
