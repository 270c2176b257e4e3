using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmChatbot.Api.Observability;
using CrmChatbot.Common;
using CrmChatbot.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry.Trace;

namespace CrmChatbot.Api.Tests.Observability;

public sealed class TracingTests : IAsyncLifetime
{
    private readonly SpanList _spans = new();
    private CrmApiFactory _factory = null!;
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _traced = null!;

    public Task InitializeAsync()
    {
        _factory = new CrmApiFactory();
        _traced = _factory.WithWebHostBuilder(builder =>
        {
            // A collector address turns tracing on; nothing listens there (the in-memory exporter is what the test reads).
            builder.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", $"http://127.0.0.1:{TestPorts.Reserve()}");
            builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans)));
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _traced.DisposeAsync();
        await _factory.DisposeAsync();
    }

    private List<Activity> Spans() => _spans.Snapshot();

    /// <summary>The exporter adds from the thread that ends a span while the test reads: a list under a lock.</summary>
    private sealed class SpanList : System.Collections.ObjectModel.Collection<Activity>
    {
        private readonly Lock _gate = new();

        public List<Activity> Snapshot()
        {
            lock (_gate)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_gate)
            {
                base.InsertItem(index, item);
            }
        }
    }

    [Fact]
    public async Task A_request_its_grain_calls_and_its_store_write_are_one_trace()
    {
        using var login = _traced.CreateClient();
        var token = JsonDocument.Parse(await (await login.PostAsJsonAsync("/api/auth/login",
            new { email = CrmApiFactory.AdminEmail, password = CrmApiFactory.AdminPassword })).Content.ReadAsStringAsync())
            .RootElement.GetProperty("access_token").GetString()!;
        using var admin = _traced.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", token);

        // Spans of every host in this test process reach the exporter: the request brings its own trace id.
        var traceId = ActivityTraceId.CreateRandom();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/leads")
        {
            Content = JsonContent.Create(new { name = "Traced Lead " + Guid.NewGuid().ToString("N") }),
        };
        post.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var created = await admin.SendAsync(post);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // The server span ends just after the response is written: wait for it (bounded), no fixed delay.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        Activity? request = null;
        while (request is null && DateTime.UtcNow < deadline)
        {
            request = Spans().FirstOrDefault(s => s.TraceId == traceId && s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server
                && s.GetTagItem("http.request.method") as string == "POST" && (s.GetTagItem("http.route") as string)?.TrimEnd('/') == "/api/leads");
            if (request is null)
            {
                await Task.Delay(50);
            }
        }

        Assert.True(request is not null, "No POST /api/leads server span among: " + string.Join("; ",
            Spans().Where(s => s.Source.Name != "Microsoft.Orleans.Runtime").Select(s => $"{s.Source.Name} {s.Kind} '{s.DisplayName}' [{string.Join(",", s.Tags.Select(t => t.Key + "=" + t.Value))}]")));
        var trace = Spans().Where(s => s.TraceId == request.TraceId).ToList();
        var write = Assert.Single(trace, s => s.Source.Name == CrmDiagnostics.Name && s.DisplayName == "sqlite write"
            && Ancestors(s, trace).Any(a => a.Source.Name == "Microsoft.Orleans.Application"));

        // sqlite write -> ... -> the grain call (server side, then client side) -> the HTTP request.
        var chain = Ancestors(write, trace).ToList();
        Assert.Contains(chain, a => a.Source.Name == "Microsoft.Orleans.Application" && a.Kind == ActivityKind.Server);
        Assert.Contains(chain, a => a.Source.Name == "Microsoft.Orleans.Application" && a.Kind == ActivityKind.Client);
        Assert.Equal(request.SpanId, chain[^1].SpanId);
        Assert.Equal("sqlite", write.GetTagItem("db.system.name"));
    }

    private static IEnumerable<Activity> Ancestors(Activity span, List<Activity> trace)
    {
        for (var parent = trace.FirstOrDefault(s => s.SpanId == span.ParentSpanId); parent is not null;
             parent = trace.FirstOrDefault(s => s.SpanId == parent.ParentSpanId))
        {
            yield return parent;
        }
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class MetricsEndpointTests(SqliteApiFixture fixture)
{
    [Fact]
    public async Task Admins_scrape_http_orleans_runtime_and_store_series()
    {
        using var admin = fixture.Factory.ClientWithToken(fixture.AdminToken);
        using var lead = await admin.PostAsJsonAsync("/api/leads", new { name = "Metered Lead" });
        Assert.Equal(HttpStatusCode.Created, lead.StatusCode);

        using var visitor = fixture.Factory.CreateClient();
        using var session = await visitor.PostAsJsonAsync("/api/chat/sessions", new { });
        var chat = JsonDocument.Parse(await session.Content.ReadAsStringAsync()).RootElement;
        using var say = new HttpRequestMessage(HttpMethod.Post, $"/api/chat/sessions/{chat.GetProperty("id").GetString()}/messages")
        {
            Content = JsonContent.Create(new { text = "hello" }),
        };
        say.Headers.Add("X-Chat-Token", chat.GetProperty("session_token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await visitor.SendAsync(say)).StatusCode);

        using var response = await admin.GetAsync(ObservabilitySetup.MetricsPath);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("crm_store_writes_total{", body, StringComparison.Ordinal);
        Assert.Contains("store=\"sqlite\"", body, StringComparison.Ordinal);
        Assert.Contains("crm_store_commit_duration_seconds_bucket", body, StringComparison.Ordinal);
        Assert.Contains("crm_store_write_queue_depth", body, StringComparison.Ordinal);
        Assert.Contains("crm_chat_turns_total{", body, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket", body, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_", body, StringComparison.Ordinal);
        Assert.Contains("orleans_", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nobody_else_scrapes_the_api_port()
    {
        using var anonymous = fixture.Factory.CreateClient();
        using var agent = fixture.Factory.ClientWithToken(fixture.AgentToken);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(ObservabilitySetup.MetricsPath)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync(ObservabilitySetup.MetricsPath)).StatusCode);
    }
}
