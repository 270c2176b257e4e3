using System.Net;
using CrmChatbot.Api.Configuration;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Api.Tests;

/// <summary>A service started without CORS_ORIGINS and with DOCS_ENABLED=false.</summary>
public sealed class LockedDownDefaultsFixture : IAsyncLifetime
{
    public CrmApiFactory Factory { get; } = new();

    public Task InitializeAsync()
    {
        Factory.Settings["CORS_ORIGINS"] = ""; // as if unset: the factory's default origin is overridden
        Factory.Settings["DOCS_ENABLED"] = "false";
        using var warmUp = Factory.CreateClient();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class LockedDownDefaultsTests(LockedDownDefaultsFixture fixture) : IClassFixture<LockedDownDefaultsFixture>
{
    [Theory]
    [InlineData("/docs/index.html")]
    [InlineData("/docs")]
    [InlineData("/openapi/v1.json")]
    public async Task With_docs_disabled_neither_the_page_nor_the_document_is_served(string path)
    {
        using var http = fixture.Factory.CreateClient();

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("https://app.example.com")]
    [InlineData("https://evil.example.com")]
    [InlineData("null")]
    public async Task Without_cors_origins_no_origin_is_allowed(string origin)
    {
        using var http = fixture.Factory.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/auth/login");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var simple = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        simple.Headers.Add("Origin", origin);

        using var answer = await http.SendAsync(preflight);
        using var get = await http.SendAsync(simple);

        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(get.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_service_still_answers_same_origin_requests()
    {
        using var http = fixture.Factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/chat")).StatusCode);
    }
}

/// <summary>The CORS policy AddCrmApi builds from CORS_ORIGINS, evaluated without a server.</summary>
public sealed class CorsPolicyTests
{
    private static bool Allows(IReadOnlyList<string> origins, string origin)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCrmApi(new CrmSettings { JwtSecretKey = new byte[64], CorsOrigins = origins });
        using var provider = services.BuildServiceProvider();
        var policy = provider.GetRequiredService<IOptions<CorsOptions>>().Value.GetPolicy(CrmApiExtensions.CorsPolicy)!;
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Headers.Origin = origin;
        return provider.GetRequiredService<ICorsService>().EvaluatePolicy(context, policy).IsOriginAllowed;
    }

    [Fact]
    public void No_origins_allow_none() => Assert.False(Allows([], "https://app.example.com"));

    [Fact]
    public void A_listed_origin_is_allowed_and_no_other() =>
        Assert.Equal((true, false), (Allows(["https://app.example.com"], "https://app.example.com"), Allows(["https://app.example.com"], "https://evil.example.com")));

    [Fact]
    public void A_star_set_explicitly_allows_any() => Assert.True(Allows(["*"], "https://anything.example.com"));
}
