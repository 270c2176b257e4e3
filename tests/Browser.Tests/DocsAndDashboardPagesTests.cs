using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CrmChatbot.Browser.Tests;

/// <summary>
/// The docs page and the Orleans dashboard still work under the Content-Security-Policy the service sends them:
/// a blocked script, style, image or request shows up as a console error, which <see cref="PageProbe.AssertClean"/> fails on.
/// </summary>
public sealed class DocsAndDashboardPagesTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const float ExpectTimeoutMs = 15_000;

    [Fact]
    public async Task Swagger_ui_renders_the_operations_under_its_policy()
    {
        var baseUrl = fixture.Silo.BaseAddress.ToString().TrimEnd('/');
        await using var probe = await PageProbe.OpenAsync(fixture.Browser, baseUrl);
        var page = probe.Page;

        var response = await page.GotoAsync(baseUrl + "/docs/index.html");

        Assert.Contains("frame-ancestors 'none'", await response!.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
        await Expect(page.Locator(".swagger-ui .info .title")).ToContainTextAsync("CrmChatbot API", new() { Timeout = ExpectTimeoutMs });
        await Expect(page.Locator(".opblock").First).ToBeVisibleAsync(new() { Timeout = ExpectTimeoutMs });
        await page.Locator(".opblock").First.ClickAsync(); // expanding an operation renders its schemas and examples
        await Expect(page.Locator(".opblock-body").First).ToBeVisibleAsync(new() { Timeout = ExpectTimeoutMs });
        probe.AssertClean();
    }

    [Fact]
    public async Task The_orleans_dashboard_renders_under_its_policy()
    {
        var baseUrl = fixture.Silo.BaseAddress.ToString().TrimEnd('/');
        var token = await fixture.Silo.LoginAsync(TestSupport.SiloProcess.AdminEmail, TestSupport.SiloProcess.AdminPassword);
        await using var probe = await PageProbe.OpenAsync(fixture.Browser, baseUrl);
        var page = probe.Page;
        // The browser context's request API shares the context's cookies: the dashboard cookie lands in the browser.
        var session = await page.Context.APIRequest.PostAsync(baseUrl + "/api/admin/dashboard-session",
            new() { Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token } });
        Assert.Equal(200, session.Status);

        var response = await page.GotoAsync(baseUrl + "/dashboard/");

        Assert.Equal(200, response!.Status);
        Assert.Contains("frame-ancestors 'none'", await response.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
        // Loaded and drawn by its script: the menu and a silo count replace the "Loading..." placeholder.
        await Expect(page.Locator("#menu a").First).ToBeVisibleAsync(new() { Timeout = ExpectTimeoutMs });
        await Expect(page.Locator("#content")).Not.ToContainTextAsync("Loading...", new() { Timeout = ExpectTimeoutMs });
        probe.AssertClean();
    }
}
