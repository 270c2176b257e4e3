using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CrmChatbot.TestSupport;

/// <summary>
/// The real Silo executable, started with <c>dotnet CrmChatbot.Silo.dll</c> on loopback ports, for tests
/// where process behaviour matters (restart, crash, start-up refusals, a browser).
/// </summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    public const string AdminEmail = "admin@e2e.test";
    public const string AdminPassword = "e2e-staple-battery-9";

    private const int MaxPortRetries = 3;

    private readonly StringBuilder _output = new();
    private readonly Dictionary<string, string?> _environment;
    private readonly string[] _arguments;
    private Process _process = null!;
    private HttpClient? _http;
    private int _port;

    private SiloProcess(IReadOnlyDictionary<string, string?> environment, string[] arguments)
    {
        _environment = new Dictionary<string, string?>(environment);
        _arguments = arguments;
        // A fixed PORT is known now; PORT=0 is known once the silo logs the address it bound.
        _ = int.TryParse(environment.GetValueOrDefault("PORT"), System.Globalization.CultureInfo.InvariantCulture, out _port);
    }

    /// <summary>The HTTP port (the one the silo reported when it was started with PORT=0).</summary>
    public int Port => _port != 0 ? _port : throw new InvalidOperationException("The silo has not reported its port yet: await WaitReadyAsync first.");

    public HttpClient Http => _http ??= new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };

    public Uri BaseAddress => Http.BaseAddress!;

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

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Environment for a production-like run in <paramref name="dataDir"/>: HTTP on a port the silo picks
    /// (PORT=0, read back from its log), Orleans on ports reserved by <see cref="TestPorts"/>.
    /// </summary>
    public static Dictionary<string, string?> Environment(string dataDir) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DATA_DIR"] = dataDir,
        ["HOST"] = "127.0.0.1",
        ["PORT"] = "0",
        ["SILO_PORT"] = TestPorts.Reserve().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["GATEWAY_PORT"] = TestPorts.Reserve().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["JWT_SECRET_KEY"] = "end-to-end-signing-key-0123456789-abcdefghij",
        ["ADMIN_EMAIL"] = AdminEmail,
        ["ADMIN_PASSWORD"] = AdminPassword,
        // Every test talks from 127.0.0.1 and some start many chats: the chat limits have their own tests.
        ["CHAT_SESSIONS_PER_HOUR_PER_ADDRESS"] = "1000000",
        ["CHAT_MESSAGES_PER_MINUTE"] = "100000",
        // These tests are about processes, clusters and durability: several silos each loading the embedding model
        // (seconds of CPU, ~240 MB) would only slow them. The model runs in the Grains and Api tests and the bench.
        ["CHAT_EMBEDDINGS"] = "off",
    };

    /// <summary><see cref="Environment"/> on MongoDB database <paramref name="database"/> (no data directory in use).</summary>
    public static Dictionary<string, string?> MongoEnvironment(string mongoUrl, string database)
    {
        var environment = Environment(Path.Combine(Path.GetTempPath(), "crm-e2e-unused-" + Guid.NewGuid().ToString("N")));
        environment["MONGO_URL"] = mongoUrl;
        environment["DB_NAME"] = database;
        return environment;
    }

    public static SiloProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var silo = new SiloProcess(environment, arguments);
        silo.Launch();
        return silo;
    }

    private void Launch()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { SiloDll() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // A temp folder: no stray .env is picked up.
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in _arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "MONGO_URL", "ASPNETCORE_URLS", "DOTNET_ENVIRONMENT" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (key, value) in _environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    public async Task WaitReadyAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        var retries = 0;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                if (retries++ < MaxPortRetries && TakeFreshOrleansPorts())
                {
                    _process.Dispose();
                    Launch();
                    continue;
                }

                throw new InvalidOperationException($"The silo exited with {_process.ExitCode}:\n{Output}");
            }

            if (_port == 0 && ServingPort() is { } reported)
            {
                _port = reported;
            }

            if (_port == 0)
            {
                await Task.Delay(100);
                continue;
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

    /// <summary>SIGTERM, as a service manager would send it; waits for a clean exit.</summary>
    public async Task<int> StopAsync()
    {
        await SendTerminateAsync();
        return await WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Sends SIGTERM and returns once it is delivered, without waiting for the process to stop.</summary>
    public async Task SendTerminateAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }
    }

    /// <summary>kill -9: no chance to flush or clean up.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async Task<string> LoginAsync(string email, string password)
    {
        var response = await Http.PostAsJsonAsync("/api/auth/login", new { email, password });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Login of {email} failed with {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

/// <summary>Logs in as admin and, the first time, creates an agent; returns a client for that agent.</summary>
    public static async Task<HttpClient> AgentClientAsync(SiloProcess silo, bool create = true)
    {
        const string email = "agent@e2e.test";
        const string password = "e2e-horse-staple-7";
        if (create)
        {
            var admin = await silo.LoginAsync(SiloProcess.AdminEmail, SiloProcess.AdminPassword);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users")
            {
                Content = JsonContent.Create(new { email, password, name = "E2E Agent", role = "agent" }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            var created = await silo.Http.SendAsync(request);
            if (created.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"Creating {email} failed with {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
            }
        }

        var token = await silo.LoginAsync(email, password);
        var http = new HttpClient { BaseAddress = silo.Http.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>A client of this silo sending <paramref name="token"/> as its bearer token.</summary>
    public HttpClient AuthorizedClient(string token)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Creates a user through the admin API, as an admin would.</summary>
    public async Task CreateUserAsync(string email, string password, string name, string role)
    {
        var admin = await LoginAsync(AdminEmail, AdminPassword);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users")
        {
            Content = JsonContent.Create(new { email, password, name, role }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var created = await Http.SendAsync(request);
        if (created.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating {email} failed with {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _http?.Dispose();
        _process.Dispose();
    }

    /// <summary>The port of the silo's "CrmChatbot is serving http://host:port" line, once logged.</summary>
    private int? ServingPort()
    {
        var match = ServingLine().Match(Output);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// A foreign process took a reserved Orleans port between the reservation and the bind (the silo
    /// exits with one line naming it): reserve new ones for a restart. False for any other exit.
    /// </summary>
    private bool TakeFreshOrleansPorts()
    {
        var error = Output.Split('\n').FirstOrDefault(l => l.StartsWith("error: ", StringComparison.Ordinal)) ?? "";
        var taken = new[] { "SILO_PORT", "GATEWAY_PORT" }.Where(name => error.StartsWith("error: " + name + " ", StringComparison.Ordinal)).ToList();
        if (taken.Count == 0 || !error.Contains("already listening", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var name in taken)
        {
            _environment[name] = TestPorts.Reserve().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        lock (_output)
        {
            _output.AppendLine($"[test] restarting on fresh ports: {error}");
        }

        return true;
    }

    [GeneratedRegex(@"CrmChatbot is serving http://[^\s,:]+:(\d+)")]
    private static partial Regex ServingLine();

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
