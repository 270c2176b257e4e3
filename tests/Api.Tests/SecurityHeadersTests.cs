using System.Net;
using CrmChatbot.Api.Http;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CrmChatbot.Api.Tests;

/// <summary>Security headers, HSTS, and what the service believes from a proxy (KNOWN_PROXIES = 10.99.0.0/16 in the factory).</summary>
[Collection(SqliteApiCollection.Name)]
public sealed class SecurityHeadersTests(SqliteApiFixture fixture)
{
    private const string TrustedProxy = "10.99.0.7";

    private static HttpRequestMessage Get(string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    [Theory]
    [InlineData("/api/leads")] // 401 problem
    [InlineData("/api/auth/me")]
    [InlineData("/health/live")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/no/such/path")] // 404
    public async Task Every_api_response_carries_the_standard_headers_and_a_strict_policy(string path)
    {
        using var http = fixture.Anonymous();

        using var response = await http.SendAsync(Get(path));

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal(SecurityHeaders.ApiPolicy, Header(response, "Content-Security-Policy"));
        Assert.Null(Header(response, "Strict-Transport-Security")); // plain HTTP
    }

    [Fact]
    public async Task The_html_pages_get_a_policy_that_lets_them_work()
    {
        using var http = fixture.Anonymous();

        using var docs = await http.GetAsync("/docs/index.html");
        using var widget = await http.GetAsync("/chat");

        Assert.Equal(SecurityHeaders.DocsPolicy, Header(docs, "Content-Security-Policy"));
        Assert.Equal("DENY", Header(docs, "X-Frame-Options"));
        // The widget sets its own policy (frame-ancestors 'self'); it is kept, and no X-Frame-Options contradicts it.
        Assert.Contains("frame-ancestors 'self'", Header(widget, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Null(Header(widget, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(widget, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task Hsts_is_sent_on_https_requests()
    {
        using var https = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });

        using var response = await https.GetAsync("/health/live");

        Assert.Equal(SecurityHeaders.Hsts, Header(response, "Strict-Transport-Security"));
    }

    [Fact]
    public async Task A_known_proxy_may_say_the_request_came_over_https_anyone_else_may_not()
    {
        using var http = fixture.Anonymous();

        using var viaProxy = await http.SendAsync(Get("/health/live", (CrmApiFactory.PeerHeader, TrustedProxy), ("X-Forwarded-Proto", "https")));
        using var spoofed = await http.SendAsync(Get("/health/live", (CrmApiFactory.PeerHeader, "203.0.113.9"), ("X-Forwarded-Proto", "https")));

        Assert.Equal(SecurityHeaders.Hsts, Header(viaProxy, "Strict-Transport-Security"));
        Assert.Null(Header(spoofed, "Strict-Transport-Security"));
    }

    [Fact]
    public async Task The_dashboard_cookie_is_secure_behind_a_tls_proxy()
    {
        using var admin = fixture.Admin();

        using var viaProxy = new HttpRequestMessage(HttpMethod.Post, "/api/admin/dashboard-session");
        viaProxy.Headers.Add(CrmApiFactory.PeerHeader, TrustedProxy);
        viaProxy.Headers.Add("X-Forwarded-Proto", "https");
        using var secure = await admin.SendAsync(viaProxy);
        using var plain = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/admin/dashboard-session"));

        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        Assert.Contains("secure", Header(secure, "Set-Cookie"), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", Header(plain, "Set-Cookie"), StringComparison.OrdinalIgnoreCase);
    }
}
