using CrmChatbot.TestSupport;
using Microsoft.Playwright;

namespace CrmChatbot.Browser.Tests;

/// <summary>One Silo process, one agent account and one headless Chromium, shared by the widget tests.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string AgentEmail = "agent@browser.test";
    public const string AgentPassword = "browser-horse-staple-7";
    public const string AgentName = "Alex Agent";

    // The system Chromium (apt): Playwright downloads nothing when given an executable. Running as
    // root needs --no-sandbox; the resolver rule keeps the browser off the network.
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
    ];

    // A data folder of its own, removed afterwards.
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "crm-browser-" + Guid.NewGuid().ToString("N"));
    private IPlaywright? _playwright;
    private SiloProcess? _silo;
    private IBrowser? _browser;

    public SiloProcess Silo => _silo ?? throw new InvalidOperationException("Not started");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started");

    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium not found at {ChromiumPath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.");
        }

        _silo = SiloProcess.Start(SiloProcess.Environment(_dataDir));
        var ready = _silo.WaitReadyAsync(TimeSpan.FromSeconds(90));
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
        await ready;
        await _silo.CreateUserAsync(AgentEmail, AgentPassword, AgentName, "agent");
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }
}
