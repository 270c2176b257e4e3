using System.Net;
using System.Net.Http.Headers;
using CrmChatbot.Api.Admin;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CrmChatbot.Api.Tests.Admin;

public abstract class DashboardTests(ApiFixture fixture)
{
    /// <summary>A browser-like client: it keeps cookies and follows no redirects.</summary>
    private HttpClient Browser() =>
        fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    /// <summary>Starts a session with the token, as the admin's page script would, and returns the browser holding the cookie.</summary>
    private async Task<(HttpClient Browser, HttpResponseMessage Response)> StartSessionAsync(string token)
    {
        var browser = Browser();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/dashboard-session");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (browser, await browser.SendAsync(request));
    }

    [Theory]
    [InlineData("SiloProperties")]
    [InlineData("SiloMetadata")]
    [InlineData("SiloCounters")]
    [InlineData("HistoricalStats")]
    public async Task A_silo_address_that_does_not_parse_is_a_client_error_not_a_500(string view)
    {
        using var admin = fixture.Factory.ClientWithToken(fixture.AdminToken);

        using var response = await admin.GetAsync($"/dashboard/{view}/not-a-silo-address");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("address", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_session_sets_a_strict_httponly_cookie_and_opens_the_dashboard()
    {
        var (browser, response) = await StartSessionAsync(fixture.AdminToken);
        using var _ = browser;

        var session = await ProblemAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("/dashboard/", session.GetProperty("dashboard_url").GetString());
        var expiresAt = session.GetProperty("expires_at").GetDateTimeOffset();
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddMinutes(1), DateTimeOffset.UtcNow.AddMinutes(31));
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"{DashboardAccess.CookieName}={fixture.AdminToken};", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expires=", cookie, StringComparison.OrdinalIgnoreCase);

        var page = await browser.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        // The page's data calls work with the cookie too.
        var counters = await ProblemAssert.JsonAsync(await browser.GetAsync("/dashboard/DashboardCounters"), HttpStatusCode.OK);
        Assert.True(counters.GetProperty("totalActivationCount").GetInt32() > 0);
    }

    [Fact]
    public async Task Anonymous_requests_are_refused_with_401_without_a_redirect()
    {
        using var browser = Browser();

        foreach (var path in new[] { "/dashboard", "/dashboard/", "/dashboard/index.min.js", "/dashboard/DashboardCounters" })
        {
            var response = await browser.GetAsync(path);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Null(response.Headers.Location);
        }

        await ProblemAssert.IsProblemAsync(await browser.PostAsync("/api/admin/dashboard-session", null), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Agents_and_clients_can_neither_start_a_session_nor_use_their_token_as_the_cookie()
    {
        foreach (var token in new[] { fixture.AgentToken, fixture.ClientToken })
        {
            var (browser, response) = await StartSessionAsync(token);
            using var _ = browser;
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.False(response.Headers.Contains("Set-Cookie"));

            using var forged = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
            forged.Headers.Add("Cookie", $"{DashboardAccess.CookieName}={token}");
            await ProblemAssert.IsProblemAsync(await fixture.Anonymous().SendAsync(forged), HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task The_cookie_opens_only_the_dashboard_and_a_bad_one_is_401()
    {
        using var http = fixture.Anonymous();

        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/admin/cluster");
        api.Headers.Add("Cookie", $"{DashboardAccess.CookieName}={fixture.AdminToken}");
        await ProblemAssert.IsProblemAsync(await http.SendAsync(api), HttpStatusCode.Unauthorized);

        using var tampered = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        tampered.Headers.Add("Cookie", $"{DashboardAccess.CookieName}={fixture.AdminToken}x");
        await ProblemAssert.IsProblemAsync(await http.SendAsync(tampered), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Grain_state_inspection_is_refused_even_for_admins()
    {
        var (browser, response) = await StartSessionAsync(fixture.AdminToken);
        using var _ = browser;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var state = await browser.GetAsync("/dashboard/GrainState?grainId=x&grainType=CrmChatbot.Users.UserGrain");

        await ProblemAssert.IsProblemAsync(state, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Ending_the_session_deletes_the_cookie()
    {
        var (browser, response) = await StartSessionAsync(fixture.AdminToken);
        using var _ = browser;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var end = new HttpRequestMessage(HttpMethod.Delete, "/api/admin/dashboard-session");
        end.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.AdminToken);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(end)).StatusCode);

        await ProblemAssert.IsProblemAsync(await browser.GetAsync("/dashboard/"), HttpStatusCode.Unauthorized);
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class DashboardTestsOnSqlite(SqliteApiFixture fixture) : DashboardTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class DashboardTestsOnMongo(MongoApiFixture fixture) : DashboardTests(fixture);
