using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using CrmChatbot.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrmChatbot.Api.Tests;

/// <summary>
/// The real Program (silo + API) in a test server, with its own data directory and free Orleans
/// ports, so several factories can run side by side.
/// </summary>
public sealed class CrmApiFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@crm.test";
    public const string AdminPassword = "test-staple-battery-1";
    /// <summary>The password of the users <see cref="CreateUserAsync"/> creates (meets the password policy).</summary>
    public const string UserPassword = "sturdy-passphrase-42";

    public const string JwtKey = "test-signing-key-long-enough-for-hs512-too-0123456789abcdefghijklmnop";

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "crm-api-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>Null: the embedded store. Set before the first client is created.</summary>
    public string? MongoUrl { get; set; }

    public string? DbName { get; set; }

    /// <summary>The clock of Idempotency-Key records (real time plus an offset a test may move), not Orleans' clock.</summary>
    public OffsetClock IdempotencyClock { get; } = new();

    /// <summary>A request header that sets the TCP peer address (TestServer has none), before forwarded headers are read.</summary>
    public const string PeerHeader = "X-Test-Peer";

    /// <summary>Proxies this factory trusts (KNOWN_PROXIES).</summary>
    public const string KnownProxies = "10.99.0.0/16";

    /// <summary>Settings applied after the defaults above; set before the first client is created.</summary>
    public Dictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>Replaces services for one fixture (after the app's own registrations). Set before the first client is created.</summary>
    public Action<IServiceCollection>? TestServices { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("DATA_DIR", DataDir);
        // Empty overrides a MONGO_URL from the environment: this factory decides the store.
        builder.UseSetting("MONGO_URL", MongoUrl ?? "");
        builder.UseSetting("DB_NAME", DbName ?? "crm_db");
        // One in-process silo per factory (each Mongo factory has a database of its own): no membership table.
        builder.UseSetting("CLUSTERING", "localhost");
        builder.UseSetting("JWT_SECRET_KEY", JwtKey);
        builder.UseSetting("ADMIN_EMAIL", AdminEmail);
        builder.UseSetting("ADMIN_PASSWORD", AdminPassword);
        builder.UseSetting("ADMIN_NAME", "Test Admin");
        builder.UseSetting("SILO_PORT", TestPorts.Reserve().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("GATEWAY_PORT", TestPorts.Reserve().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("LOGIN_MAX_FAILURES", "3");
        // Every test logs in from the same (unknown) address: the per-address limits and the hashing
        // queue stay out of the way unless a dedicated test lowers them through Settings.
        builder.UseSetting("LOGIN_RATE_PER_MINUTE", "1000000");
        builder.UseSetting("REGISTER_RATE_PER_HOUR", "1000000");
        builder.UseSetting("PASSWORD_HASH_QUEUE", "100000");
        builder.UseSetting("CORS_ORIGINS", "https://app.example.com");
        // Every test client shares one address and many tests start chats: the chat limits have their own tests.
        builder.UseSetting("CHAT_SESSIONS_PER_HOUR_PER_ADDRESS", "1000000");
        builder.UseSetting("CHAT_MESSAGES_PER_MINUTE", "100000");
        builder.UseSetting("KNOWN_PROXIES", KnownProxies);
        // Webhook receivers of the tests listen on 127.0.0.1.
        builder.UseSetting("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true");
        foreach (var (name, value) in Settings)
        {
            builder.UseSetting(name, value);
        }

        builder.ConfigureTestServices(services =>
        {
            // A stand-in assistant for chat tests; TryAdd, so the real one wins once it is registered.
            services.TryAddSingleton<CrmChatbot.Chat.Dialogue.IDialogueManager, CrmChatbot.Chat.Sessions.Testing.EchoDialogueManager>();
            services.Configure<CrmChatbot.Idempotency.IdempotencyOptions>(options => options.Clock = IdempotencyClock);
            services.AddSingleton<IStartupFilter, PeerAddressFilter>();
            TestServices?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class PeerAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, then) =>
            {
                if (context.Request.Headers.TryGetValue(PeerHeader, out var peer))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
                }

                return then(context);
            });
            next(app);
        };
    }

    /// <summary>A client carrying a bearer token.</summary>
    public HttpClient ClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<string> LoginAsync(string email, string password)
    {
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    public Task<string> AdminTokenAsync() => LoginAsync(AdminEmail, AdminPassword);

    /// <summary>Creates a user with the given role through the admin API and returns (id, token).</summary>
    public async Task<(string Id, string Token)> CreateUserAsync(string role, string? email = null)
    {
        email ??= $"{role}-{Guid.NewGuid():N}@crm.test";
        using var admin = ClientWithToken(await AdminTokenAsync());
        var response = await admin.PostAsJsonAsync("/api/users", new { email, password = UserPassword, name = $"Test {role}", role });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = json.RootElement.GetProperty("id").GetString()!;
        return (id, await LoginAsync(email, UserPassword));
    }
}

[CollectionDefinition(Name)]
public sealed class SqliteApiCollection : ICollectionFixture<SqliteApiFixture>
{
    public const string Name = "api-sqlite";
}

[CollectionDefinition(Name)]
public sealed class MongoApiCollection : ICollectionFixture<MongoApiFixture>
{
    public const string Name = "api-mongo";
}

/// <summary>The service on the embedded SQLite store.</summary>
public sealed class SqliteApiFixture : ApiFixture;

/// <summary>The same service on MongoDB (the jongodb test server, or MONGO_URL when set).</summary>
public sealed class MongoApiFixture : ApiFixture
{
    protected override async Task ConfigureAsync(CrmApiFactory factory)
    {
        var server = await MongoTestServer.SharedAsync();
        factory.MongoUrl = server.ConnectionString;
        factory.DbName = MongoTestServer.NewDatabaseName("api");
    }
}

/// <summary>One running service shared by the HTTP tests of a store, with an agent and a client ready.</summary>
public abstract class ApiFixture : IAsyncLifetime
{
    public CrmApiFactory Factory { get; } = new();

    public string AdminToken { get; private set; } = "";
    public string AgentId { get; private set; } = "";
    public string AgentToken { get; private set; } = "";
    public string ClientToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await ConfigureAsync(Factory);
        AdminToken = await Factory.AdminTokenAsync();
        (AgentId, AgentToken) = await Factory.CreateUserAsync("agent");
        (_, ClientToken) = await Factory.CreateUserAsync("client");
    }

    protected virtual Task ConfigureAsync(CrmApiFactory factory) => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }

    public HttpClient Admin() => Factory.ClientWithToken(AdminToken);

    public HttpClient Agent() => Factory.ClientWithToken(AgentToken);

    public HttpClient Client() => Factory.ClientWithToken(ClientToken);

    public HttpClient Anonymous() => Factory.CreateClient();
}

/// <summary>System time plus an offset that a test moves forward (and resets after): "25 hours later" without waiting.</summary>
public sealed class OffsetClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public void Reset() => Interlocked.Exchange(ref _offsetTicks, 0);
}
