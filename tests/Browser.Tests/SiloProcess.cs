using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace CrmChatbot.Browser.Tests;

/// <summary>
/// The real Silo executable on free loopback ports (a browser needs a real socket, which TestServer
/// has not). Trimmed from tests/EndToEnd.Tests/SiloProcess.cs to what the browser tests use.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    public const string AdminEmail = "admin@browser.test";
    public const string AdminPassword = "admin-password-browser";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dataDir;

    private SiloProcess(Process process, int port, string dataDir)
    {
        _process = process;
        _dataDir = dataDir;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<SiloProcess> StartAsync()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "crm-browser-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { SiloDll() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // A temp folder: no stray .env is picked up.
            WorkingDirectory = dataDir,
        };
        foreach (var name in new[] { "MONGO_URL", "ASPNETCORE_URLS", "DOTNET_ENVIRONMENT" })
        {
            info.Environment.Remove(name);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DATA_DIR"] = dataDir;
        info.Environment["HOST"] = "127.0.0.1";
        info.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        info.Environment["SILO_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture);
        info.Environment["GATEWAY_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture);
        info.Environment["JWT_SECRET_KEY"] = "browser-test-signing-key-0123456789-abcdefghij";
        info.Environment["ADMIN_EMAIL"] = AdminEmail;
        info.Environment["ADMIN_PASSWORD"] = AdminPassword;

        var process = new Process { StartInfo = info };
        var silo = new SiloProcess(process, port, dataDir);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }

        return silo;
    }

    public async Task<string> LoginAsync(string email, string password)
    {
        var response = await Http.PostAsJsonAsync("/api/auth/login", new { email, password });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>Creates a staff user through the API, as an admin would.</summary>
    public async Task CreateUserAsync(string email, string password, string name, string role)
    {
        var admin = await LoginAsync(AdminEmail, AdminPassword);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users")
        {
            Content = JsonContent.Create(new { email, password, name, role }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var created = await Http.SendAsync(request);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        Http.Dispose();
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The silo exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The silo was not ready in time:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The Silo build of the same configuration as this test assembly.</summary>
    private static string SiloDll()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testDir.Name;                  // net10.0
        var configuration = testDir.Parent!.Name;      // Debug | Release
        var root = testDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "CrmChatbot.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("CrmChatbot.sln not found above " + AppContext.BaseDirectory);
        }

        var dll = Path.Combine(root.FullName, "src", "Silo", "bin", configuration, framework, "CrmChatbot.Silo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the Silo first", dll);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
