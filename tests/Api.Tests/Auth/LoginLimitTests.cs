using System.Net;
using System.Net.Http.Json;
using CrmChatbot.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CrmChatbot.Api.Tests.Auth;

/// <summary>
/// The service with low login limits, one password hash at a time and no queue, a client address
/// taken from a test header (the test server has no sockets), and a hash that a test can hold busy.
/// </summary>
public sealed class LimitedAuthFixture : IAsyncLifetime
{
    public const string AddressHeader = "X-Test-Client-Address";

    public CrmApiFactory Factory { get; } = new();

    public GatedHashAlgorithm Hashes { get; } = new();

    public string AdminToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Factory.Settings["LOGIN_MAX_FAILURES"] = "3";
        Factory.Settings["LOGIN_ACCOUNT_MAX_FAILURES"] = "6";
        Factory.Settings["LOGIN_RATE_PER_MINUTE"] = "6";
        Factory.Settings["REGISTER_RATE_PER_HOUR"] = "2";
        Factory.Settings["PASSWORD_HASH_CONCURRENCY"] = "1";
        Factory.Settings["PASSWORD_HASH_QUEUE"] = "0";
        Factory.TestServices = services =>
        {
            services.AddSingleton<IPasswordHashAlgorithm>(Hashes);
            services.AddSingleton<IStartupFilter, ClientAddressFromHeader>();
        };
        AdminToken = await Factory.AdminTokenAsync();
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>An anonymous client that the service sees at <paramref name="address"/>.</summary>
    public HttpClient From(string address)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add(AddressHeader, address);
        return client;
    }

    /// <summary>Creates an agent through the admin API (not rate-limited) and returns its email.</summary>
    public async Task<string> NewAccountAsync()
    {
        var email = $"limited-{Guid.NewGuid():N}@crm.test";
        using var admin = Factory.ClientWithToken(AdminToken);
        var created = await admin.PostAsJsonAsync("/api/users", new { email, password = CrmApiFactory.UserPassword, name = "Limited", role = "agent" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return email;
    }

    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[AddressHeader].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>bcrypt, except that while <see cref="Hold"/> is on, every check waits until it is released.</summary>
public sealed class GatedHashAlgorithm : IPasswordHashAlgorithm
{
    private readonly BCryptPasswordHashAlgorithm _bcrypt = new();
    private ManualResetEventSlim? _gate;

    public SemaphoreSlim Entered { get; } = new(0);

    public void Hold() => _gate = new ManualResetEventSlim(false);

    public void Release()
    {
        var gate = _gate;
        _gate = null;
        gate?.Set();
    }

    public string Hash(string password, int workFactor) => _bcrypt.Hash(password, workFactor);

    public bool Verify(string password, string hash)
    {
        if (_gate is { } gate)
        {
            Entered.Release();
            gate.Wait(TimeSpan.FromMinutes(2));
        }

        return _bcrypt.Verify(password, hash);
    }
}

public sealed class LoginLimitTests(LimitedAuthFixture fixture) : IClassFixture<LimitedAuthFixture>
{
    private static object Login(string email, string password) => new { email, password };

    private static void AssertRetryAfter(HttpResponseMessage response) =>
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");

    [Fact]
    public async Task A_strangers_failed_logins_do_not_lock_out_the_real_user_from_another_address()
    {
        var email = await fixture.NewAccountAsync();
        using var stranger = fixture.From("203.0.113.10");
        using var owner = fixture.From("198.51.100.10");

        for (var i = 0; i < 3; i++)
        {
            await ProblemAssert.IsProblemAsync(await stranger.PostAsJsonAsync("/api/auth/login", Login(email, "guess-" + i)), HttpStatusCode.Unauthorized);
        }

        var blocked = await stranger.PostAsJsonAsync("/api/auth/login", Login(email, CrmApiFactory.UserPassword));
        await ProblemAssert.IsProblemAsync(blocked, HttpStatusCode.TooManyRequests);
        AssertRetryAfter(blocked);

        var real = await owner.PostAsJsonAsync("/api/auth/login", Login(email, CrmApiFactory.UserPassword));
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
    }

    [Fact]
    public async Task Failures_spread_over_many_addresses_throttle_the_account_more_slowly()
    {
        var email = await fixture.NewAccountAsync();

        // Two failures from each of three addresses: none reaches its own limit (3), the account reaches 6.
        for (var a = 0; a < 3; a++)
        {
            using var guesser = fixture.From($"203.0.113.{20 + a}");
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.PostAsJsonAsync("/api/auth/login", Login(email, "guess-" + i))).StatusCode);
            }
        }

        using var owner = fixture.From("198.51.100.20");
        var refused = await owner.PostAsJsonAsync("/api/auth/login", Login(email, CrmApiFactory.UserPassword));

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
        AssertRetryAfter(refused);
    }

    [Fact]
    public async Task Logins_from_one_address_are_rate_limited_across_accounts()
    {
        using var sprayer = fixture.From("203.0.113.30");

        for (var i = 0; i < 6; i++)
        {
            var attempt = await sprayer.PostAsJsonAsync("/api/auth/login", Login($"spray-{i}-{Guid.NewGuid():N}@crm.test", "Summer2026!"));
            Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
        }

        var limited = await sprayer.PostAsJsonAsync("/api/auth/login", Login($"spray-x-{Guid.NewGuid():N}@crm.test", "Summer2026!"));
        var problem = await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests);
        AssertRetryAfter(limited);
        Assert.Contains("address", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Another address is not affected.
        using var other = fixture.From("198.51.100.30");
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.PostAsJsonAsync("/api/auth/login", Login("nobody@crm.test", "Summer2026!"))).StatusCode);
    }

    [Fact]
    public async Task Registration_is_rate_limited_per_address()
    {
        using var registrar = fixture.From("203.0.113.40");
        object Body() => new { email = $"reg-{Guid.NewGuid():N}@crm.test", password = CrmApiFactory.UserPassword, name = "Reg" };

        Assert.Equal(HttpStatusCode.Created, (await registrar.PostAsJsonAsync("/api/auth/register", Body())).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await registrar.PostAsJsonAsync("/api/auth/register", Body())).StatusCode);
        var limited = await registrar.PostAsJsonAsync("/api/auth/register", Body());

        await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests);
        AssertRetryAfter(limited);
        using var other = fixture.From("198.51.100.40");
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsJsonAsync("/api/auth/register", Body())).StatusCode);
    }

    /// <summary>A password change costs a hash too: it shares the login budget of the caller's address.</summary>
    [Fact]
    public async Task Password_changes_share_the_login_rate_limit_of_the_address()
    {
        var email = await fixture.NewAccountAsync();
        using var caller = fixture.From("203.0.113.60");
        string? token = null;
        for (var i = 0; i < 6; i++)
        {
            var login = await ProblemAssert.JsonAsync(await caller.PostAsJsonAsync("/api/auth/login", Login(email, CrmApiFactory.UserPassword)), HttpStatusCode.OK);
            token = login.GetProperty("access_token").GetString();
        }

        caller.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var limited = await caller.PostAsJsonAsync("/api/auth/password", new { current_password = CrmApiFactory.UserPassword, new_password = "another-passphrase-3" });

        var problem = await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests);
        AssertRetryAfter(limited);
        Assert.Contains("address", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var other = fixture.From("198.51.100.60");
        other.DefaultRequestHeaders.Authorization = caller.DefaultRequestHeaders.Authorization;
        var changed = await other.PostAsJsonAsync("/api/auth/password", new { current_password = CrmApiFactory.UserPassword, new_password = "another-passphrase-3" });
        Assert.True(changed.IsSuccessStatusCode, $"the other address got {(int)changed.StatusCode}");
    }

    [Fact]
    public async Task When_the_password_hashing_queue_is_full_a_login_is_503_with_retry_after()
    {
        var held = await fixture.NewAccountAsync();
        using var first = fixture.From("203.0.113.50");
        using var second = fixture.From("203.0.113.51");
        fixture.Hashes.Hold();
        Task<HttpResponseMessage> running;
        HttpResponseMessage refused;
        try
        {
            running = first.PostAsJsonAsync("/api/auth/login", Login(held, CrmApiFactory.UserPassword));
            // The one hashing slot is taken (concurrency 1, queue 0) once the first check has started.
            Assert.True(await fixture.Hashes.Entered.WaitAsync(TimeSpan.FromMinutes(1)), "the first login never reached the hash");
            refused = await second.PostAsJsonAsync("/api/auth/login", Login($"other-{Guid.NewGuid():N}@crm.test", "Summer2026!"));
        }
        finally
        {
            fixture.Hashes.Release();
        }

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
        AssertRetryAfter(refused);
        Assert.Equal(HttpStatusCode.OK, (await running).StatusCode);
    }
}
