using Microsoft.Playwright;

namespace CrmChatbot.Browser.Tests;

/// <summary>
/// A page in its own browser context (its own sessionStorage), 360 px wide, recording console errors,
/// page errors and every URL it requests, so a test can assert the page stayed clean and local.
/// </summary>
public sealed class PageProbe : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly string _origin;
    private readonly List<string> _errors = [];
    private readonly List<string> _foreignRequests = [];

    private PageProbe(IBrowserContext context, IPage page, string origin)
    {
        _context = context;
        _origin = origin;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_errors)
                {
                    _errors.Add("console: " + message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_errors)
            {
                _errors.Add("page error: " + error);
            }
        };
        page.Request += (_, request) =>
        {
            var url = request.Url;
            if (!url.StartsWith(_origin + "/", StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal)
                && !url.StartsWith(_origin.Replace("http://", "ws://", StringComparison.Ordinal) + "/", StringComparison.Ordinal))
            {
                lock (_foreignRequests)
                {
                    _foreignRequests.Add(url);
                }
            }
        };
    }

    public IPage Page { get; }

    public static async Task<PageProbe> OpenAsync(IBrowser browser, string origin)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 360, Height = 740 } });
        var page = await context.NewPageAsync();
        return new PageProbe(context, page, origin);
    }

    public void AssertClean()
    {
        lock (_errors)
        {
            Assert.True(_errors.Count == 0, "Errors in the page: " + string.Join(" | ", _errors));
        }

        lock (_foreignRequests)
        {
            Assert.True(_foreignRequests.Count == 0, "Requests outside the service: " + string.Join(" | ", _foreignRequests));
        }
    }

    public string Report()
    {
        lock (_errors)
        {
            lock (_foreignRequests)
            {
                return $"errors [{string.Join(" | ", _errors)}], foreign requests [{string.Join(" | ", _foreignRequests)}], url {Page.Url}";
            }
        }
    }

    /// <summary>Full-page screenshots into the test output folder; returns it.</summary>
    public static async Task<string> ScreenshotAsync(string test, params (string Name, PageProbe Probe)[] probes)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        foreach (var (name, probe) in probes)
        {
            try
            {
                await probe.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{test}-{name}.png"), FullPage = true });
            }
            catch (PlaywrightException)
            {
                // The page may be gone; the other screenshots still help.
            }
        }

        return folder;
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
