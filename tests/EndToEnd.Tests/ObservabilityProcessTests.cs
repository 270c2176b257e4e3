using System.Net;
using System.Text.Json;
using CrmChatbot.TestSupport;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>The process's operator-facing telemetry: a private metrics port and JSON logs with trace ids.</summary>
public sealed class ObservabilityProcessTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("crm-otel-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task METRICS_PORT_serves_metrics_only_without_auth_and_LOG_FORMAT_json_writes_trace_ids()
    {
        var metricsPort = TestPorts.Reserve();
        var environment = SiloProcess.Environment(_dataDir);
        environment["METRICS_PORT"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["LOG_FORMAT"] = "json";
        // Request logs, so a line written inside a request shows its scope.
        environment["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information";

        await using var silo = SiloProcess.Start(environment);
        await silo.WaitReadyAsync();
        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}"), Timeout = TimeSpan.FromSeconds(30) };

        using var metrics = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("crm_store_writes_total", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await scraper.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await scraper.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await silo.Http.GetAsync("/metrics")).StatusCode);

        var lines = silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        var json = lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(lines.Count, json.Count);
        Assert.Contains(json, l => l.GetProperty("Message").GetString()!.StartsWith("CrmChatbot is serving http://127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains(json, l => l.GetProperty("Category").GetString() == "Microsoft.AspNetCore.Hosting.Diagnostics"
            && l.TryGetProperty("Scopes", out var scopes)
            && scopes.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("TraceId", out var id) && id.GetString()!.Length == 32));
    }
}
