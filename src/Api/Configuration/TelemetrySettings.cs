namespace CrmChatbot.Api.Configuration;

/// <summary>How log lines are written to the console (LOG_FORMAT).</summary>
public enum LogFormat
{
    /// <summary>The default console format, for people.</summary>
    Text,

    /// <summary>One JSON object per line with scopes (trace and span ids), for log collectors.</summary>
    Json,
}

/// <summary>Where traces, metrics and logs go (see README, Observability).</summary>
public sealed record TelemetrySettings
{
    /// <summary>OTLP collector (the standard OTEL_EXPORTER_OTLP_ENDPOINT): traces, metrics and logs are exported there when set.</summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>A second HTTP port serving only <c>/metrics</c>, without authentication, for a private scrape network (METRICS_PORT).</summary>
    public int? MetricsPort { get; init; }

    public LogFormat LogFormat { get; init; }

    internal static TelemetrySettings Load(Func<string, string?> optional, Func<string, int, int, int, int> integer)
    {
        var endpoint = optional("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (endpoint is not null && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            throw new SettingsException($"OTEL_EXPORTER_OTLP_ENDPOINT '{endpoint}' is invalid: expected an http(s) URL such as http://collector:4317");
        }

        return new TelemetrySettings
        {
            OtlpEndpoint = endpoint,
            MetricsPort = optional("METRICS_PORT") is null ? null : integer("METRICS_PORT", 0, 1, 65535),
            LogFormat = optional("LOG_FORMAT")?.ToLowerInvariant() switch
            {
                null or "text" => LogFormat.Text,
                "json" => LogFormat.Json,
                var other => throw new SettingsException($"LOG_FORMAT '{other}' is invalid: expected text or json"),
            },
        };
    }
}
