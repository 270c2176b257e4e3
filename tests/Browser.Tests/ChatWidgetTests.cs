using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CrmChatbot.Browser.Tests;

public sealed partial class ChatWidgetTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    // Generous: the first page load compiles and activates a lot; a passing run takes far less.
    private const float ExpectTimeoutMs = 15_000;

    [Fact]
    public async Task Page_and_assets_are_served_with_types_and_caching_from_the_service()
    {
        var http = fixture.Silo.Http;
        using var page = await http.GetAsync("/chat");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", page.Headers.CacheControl?.ToString());
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();

        // Every asset the page names is on this service, versioned by its content hash.
        var assets = AssetUrl().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        Assert.Equal(["/chat/assets/chat.css", "/chat/assets/signalr.min.js", "/chat/assets/chat.js"],
            assets.Select(url => url.Split('?')[0]));
        foreach (var url in assets)
        {
            using var asset = await http.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(url.Contains(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript", asset.Content.Headers.ContentType?.MediaType);
            Assert.Equal("public, max-age=31536000, immutable", asset.Headers.CacheControl?.ToString());
            Assert.Equal("nosniff", asset.Headers.GetValues("X-Content-Type-Options").Single());

            using var revalidate = new HttpRequestMessage(HttpMethod.Get, url);
            revalidate.Headers.IfNoneMatch.Add(asset.Headers.ETag!);
            using var notModified = await http.SendAsync(revalidate);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        // An old or missing version is not cached for good; unknown files are 404.
        using var stale = await http.GetAsync("/chat/assets/chat.js?v=0000");
        Assert.Equal("no-cache", stale.Headers.CacheControl?.ToString());
        using var missing = await http.GetAsync("/chat/assets/../appsettings.json");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var unknown = await http.GetAsync("/chat/assets/index.html");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Visitor_talks_to_the_bot_asks_for_a_human_and_an_agent_takes_over_live()
    {
        var baseUrl = fixture.Silo.BaseAddress.ToString().TrimEnd('/');
        await using var visitor = await PageProbe.OpenAsync(fixture.Browser, baseUrl);
        await using var agent = await PageProbe.OpenAsync(fixture.Browser, baseUrl);
        try
        {
            // Visitor: the page opens a session, greets, and joins the hub.
            var v = visitor.Page;
            await v.GotoAsync(baseUrl + "/chat");
            await Expect(v.Locator("#visitor")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = ExpectTimeoutMs });
            await Expect(v.Locator("#visitor-status")).ToHaveTextAsync("You're chatting with our assistant");
            var bot = v.Locator("#visitor-transcript li.msg.bot");
            await Expect(bot).ToHaveCountAsync(1);
            var sessionId = await v.EvaluateAsync<string>("JSON.parse(sessionStorage.getItem('crm-chat-session')).id");

            // A message gets a bot reply.
            await SendAsync(v, "#visitor-input", "Hello there");
            await Expect(v.Locator("#visitor-transcript li.msg.user:not(.pending)")).ToHaveTextAsync(["YouHello there"], new() { Timeout = ExpectTimeoutMs });
            await Expect(bot).ToHaveCountAsync(2, new() { Timeout = ExpectTimeoutMs });
            Assert.False(string.IsNullOrWhiteSpace(await bot.Nth(1).Locator(".text").TextContentAsync()));

            // The assistant's quick replies are offered as buttons.
            await Expect(v.Locator("#visitor-suggestions button").First).ToBeVisibleAsync();

            // Hand-off.
            await SendAsync(v, "#visitor-input", "I want to talk to a human");
            await Expect(v.Locator("#visitor-status")).ToHaveTextAsync("Waiting for an agent", new() { Timeout = ExpectTimeoutMs });

            // Agent: signs in, finds the session in the queue, takes it.
            var a = agent.Page;
            await a.GotoAsync(baseUrl + "/chat?agent");
            await a.GetByLabel("Email").FillAsync(BrowserFixture.AgentEmail);
            await a.GetByLabel("Password").FillAsync(BrowserFixture.AgentPassword);
            await a.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(a.Locator("#agent")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = ExpectTimeoutMs });
            var queued = a.Locator($"#queue li[data-session-id='{sessionId}']");
            await Expect(queued).ToBeVisibleAsync(new() { Timeout = ExpectTimeoutMs });
            await queued.GetByRole(AriaRole.Button).ClickAsync();
            await Expect(a.Locator("#agent-transcript")).ToContainTextAsync("I want to talk to a human", new() { Timeout = ExpectTimeoutMs });
            await Expect(queued).ToHaveCountAsync(0, new() { Timeout = ExpectTimeoutMs });

            // The agent's reply reaches the visitor live, and the status names the agent.
            await SendAsync(a, "#agent-input", "Hi, I'm here");
            await Expect(v.Locator("#visitor-transcript li.msg.agent")).ToContainTextAsync("Hi, I'm here", new() { Timeout = ExpectTimeoutMs });
            await Expect(v.Locator("#visitor-status")).ToHaveTextAsync(BrowserFixture.AgentName + " joined", new() { Timeout = ExpectTimeoutMs });

            // The agent reloads: still signed in, the conversation is under "Your conversations".
            await a.ReloadAsync();
            await Expect(a.Locator("#agent")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = ExpectTimeoutMs });
            var mine = a.Locator($"#mine li[data-session-id='{sessionId}']");
            await Expect(mine).ToBeVisibleAsync(new() { Timeout = ExpectTimeoutMs });
            await mine.GetByRole(AriaRole.Button).ClickAsync();
            await Expect(a.Locator("#agent-transcript")).ToContainTextAsync("Hi, I'm here", new() { Timeout = ExpectTimeoutMs });

            // A reload resumes the same session (id and token in sessionStorage) and rejoins the hub.
            await v.ReloadAsync();
            await Expect(v.Locator("#visitor")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = ExpectTimeoutMs });
            await Expect(v.Locator("#visitor-transcript li.msg.agent")).ToContainTextAsync("Hi, I'm here");
            await Expect(v.Locator("#visitor-status")).ToHaveTextAsync(BrowserFixture.AgentName + " joined");
            Assert.Equal(sessionId, await v.EvaluateAsync<string>("JSON.parse(sessionStorage.getItem('crm-chat-session')).id"));

            // And the visitor's answer reaches the agent live, with no bot reply in between.
            var botReplies = await bot.CountAsync();
            await SendAsync(v, "#visitor-input", "Thanks, my order is late");
            await Expect(a.Locator("#agent-transcript li.msg.user").Last).ToContainTextAsync("Thanks, my order is late", new() { Timeout = ExpectTimeoutMs });
            Assert.Equal(botReplies, await bot.CountAsync());

            // Closing ends the conversation on the visitor's side.
            await a.GetByRole(AriaRole.Button, new() { Name = "Close conversation" }).ClickAsync();
            await Expect(v.Locator("#visitor-status")).ToHaveTextAsync("This conversation has ended", new() { Timeout = ExpectTimeoutMs });
            await Expect(v.Locator("#visitor-input")).ToBeDisabledAsync();

            // Works at 360 px: nothing wider than the viewport.
            foreach (var page in new[] { v, a })
            {
                Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "horizontal overflow at 360 px");
            }

            visitor.AssertClean();
            agent.AssertClean();
            if (Environment.GetEnvironmentVariable("BROWSER_TEST_SCREENSHOTS") == "1")
            {
                // On demand, e.g. to look at the layout after a change.
                await PageProbe.ScreenshotAsync("passed", ("visitor", visitor), ("agent", agent));
            }
        }
        catch (Exception failure)
        {
            var folder = await PageProbe.ScreenshotAsync(nameof(Visitor_talks_to_the_bot_asks_for_a_human_and_an_agent_takes_over_live), ("visitor", visitor), ("agent", agent));
            throw new InvalidOperationException(
                $"{failure.Message}\nScreenshots: {folder}\nVisitor: {visitor.Report()}\nAgent: {agent.Report()}\nSilo (tail):\n{Tail(fixture.Silo.Output)}", failure);
        }
    }

    private static async Task SendAsync(IPage page, string input, string text)
    {
        await page.Locator(input).FillAsync(text);
        await page.Locator(input).PressAsync("Enter");
    }

    private static string Tail(string output) => output.Length <= 4000 ? output : output[^4000..];

    [GeneratedRegex("(?:src|href)=\"(?<url>/chat/assets/[^\"]+)\"")]
    private static partial Regex AssetUrl();
}
