using System.Net;
using System.Text.Json;

namespace CrmChatbot.Api.Tests;

public abstract class DocsAndHealthTests(ApiFixture fixture)
{
    [Fact]
    public async Task The_openapi_document_lists_every_endpoint_and_the_auth_schemes()
    {
        using var http = fixture.Anonymous();

        var doc = await ProblemAssert.JsonAsync(await http.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);

        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/auth/register", "/api/auth/login", "/api/auth/me", "/api/users", "/api/users/{id}", "/api/leads", "/api/leads/{id}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"missing {path}");
        }

        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("/api/auth/login", schemes.GetProperty("OAuth2Password").GetProperty("flows").GetProperty("password").GetProperty("tokenUrl").GetString());
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.True(paths.GetProperty("/api/leads").GetProperty("get").TryGetProperty("security", out _));
        // Anonymous: one empty requirement, "no credentials needed".
        Assert.Equal(JsonValueKind.Object, Assert.Single(paths.GetProperty("/api/auth/login").GetProperty("post").GetProperty("security").EnumerateArray()).ValueKind);
        var create = doc.GetProperty("components").GetProperty("schemas").GetProperty("CreateLeadRequest");
        Assert.Equal(["name"], create.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var statuses = paths.GetProperty("/api/leads").GetProperty("post").GetProperty("responses").EnumerateObject().Select(r => r.Name);
        Assert.Equal(["201", "400", "401", "403", "409", "413", "415", "422"], statuses.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_docs_page_is_served()
    {
        using var http = fixture.Anonymous();

        var response = await http.GetAsync("/docs/index.html");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Live_and_ready_report_healthy()
    {
        using var http = fixture.Admin();

        var live = await ProblemAssert.JsonAsync(await http.GetAsync("/health/live"), HttpStatusCode.OK);
        var ready = await ProblemAssert.JsonAsync(await http.GetAsync("/health/ready"), HttpStatusCode.OK);

        Assert.Equal("healthy", live.GetProperty("status").GetString());
        Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(ready.GetProperty("checks").GetProperty("membership").GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Health_shows_anyone_but_an_admin_the_status_only()
    {
        using var anonymous = fixture.Anonymous();
        using var agent = fixture.Agent();

        foreach (var http in new[] { anonymous, agent })
        {
            var response = await http.GetAsync("/health/ready");
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // Once this named the data file (or database) and the silo address to anyone.
            Assert.Equal("""{"status":"healthy"}""", body);
        }
    }

    [Fact]
    public async Task Cors_allows_the_configured_origin_only()
    {
        using var http = fixture.Anonymous();

        using var allowed = new HttpRequestMessage(HttpMethod.Options, "/api/auth/login");
        allowed.Headers.Add("Origin", "https://app.example.com");
        allowed.Headers.Add("Access-Control-Request-Method", "POST");
        using var denied = new HttpRequestMessage(HttpMethod.Options, "/api/auth/login");
        denied.Headers.Add("Origin", "https://evil.example.com");
        denied.Headers.Add("Access-Control-Request-Method", "POST");

        var ok = await http.SendAsync(allowed);
        var no = await http.SendAsync(denied);

        Assert.Equal("https://app.example.com", ok.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(no.Headers.Contains("Access-Control-Allow-Origin"));
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class DocsAndHealthTestsOnSqlite(SqliteApiFixture fixture) : DocsAndHealthTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class DocsAndHealthTestsOnMongo(MongoApiFixture fixture) : DocsAndHealthTests(fixture);
