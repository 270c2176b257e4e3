using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrmChatbot.Api.Tests;

public abstract class AuthTests(ApiFixture fixture)
{
    private static string NewEmail() => $"client-{Guid.NewGuid():N}@crm.test";

    [Fact]
    public async Task Register_returns_201_with_a_bearer_token_and_a_client_user()
    {
        using var http = fixture.Anonymous();
        var email = NewEmail();

        var response = await http.PostAsJsonAsync("/api/auth/register", new { email, password = "sturdy-passphrase-42", name = "New Client" });

        var json = await ProblemAssert.JsonAsync(response, HttpStatusCode.Created);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("access_token").GetString()));
        Assert.Equal("bearer", json.GetProperty("token_type").GetString());
        var user = json.GetProperty("user");
        Assert.Equal(email, user.GetProperty("email").GetString());
        Assert.Equal("client", user.GetProperty("role").GetString());
        Assert.True(user.GetProperty("is_active").GetBoolean());
        Assert.True(user.TryGetProperty("created_at", out _));
        Assert.False(user.TryGetProperty("password", out _));
        Assert.False(user.TryGetProperty("password_hash", out _));
    }

    [Fact]
    public async Task A_role_in_the_register_body_never_grants_more()
    {
        using var http = fixture.Anonymous();

        var response = await http.PostAsJsonAsync("/api/auth/register", new { email = NewEmail(), password = "sturdy-passphrase-42", name = "Sneaky", role = "admin" });

        var json = await ProblemAssert.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal("client", json.GetProperty("user").GetProperty("role").GetString());
        using var me = fixture.Factory.ClientWithToken(json.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.Forbidden, (await me.GetAsync("/api/users")).StatusCode);
    }

    [Fact]
    public async Task A_duplicate_email_in_any_case_is_409_even_when_registrations_race()
    {
        using var http = fixture.Anonymous();
        var email = NewEmail();

        var responses = await Task.WhenAll(new[] { email, email.ToUpperInvariant(), " " + email }.Select(e =>
            http.PostAsJsonAsync("/api/auth/register", new { email = e, password = "sturdy-passphrase-42", name = "Racer" })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var conflict in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await ProblemAssert.IsProblemAsync(conflict, HttpStatusCode.Conflict);
        }
    }

    [Theory]
    [InlineData("{\"email\":\"x@crm.test\",\"password\":\"short\",\"name\":\"X\"}", "password")]
    [InlineData("{\"email\":\"not-an-email\",\"password\":\"sturdy-passphrase-42\",\"name\":\"X\"}", "email")]
    [InlineData("{\"password\":\"sturdy-passphrase-42\",\"name\":\"X\"}", "email")]
    [InlineData("{\"email\":\"x2@crm.test\",\"password\":\"sturdy-passphrase-42\"}", "name")]
    [InlineData("{\"email\":{\"$ne\":null},\"password\":\"sturdy-passphrase-42\",\"name\":\"X\"}", "email")]
    [InlineData("{\"email\":\"x3@crm.test\",\"password\":12345678,\"name\":\"X\"}", "password")]
    public async Task Invalid_registrations_are_422_naming_the_field(string body, string field)
    {
        using var http = fixture.Anonymous();

        var response = await http.PostAsync("/api/auth/register", new StringContent(body, Encoding.UTF8, "application/json"));

        await ProblemAssert.NamesFieldsAsync(response, field);
    }

    [Theory]
    [InlineData("password", "at least 10 characters")]
    [InlineData("12345678", "at least 10 characters")]
    [InlineData("1234567890", "too common")]
    [InlineData("Password123", "too common")]
    [InlineData("qwertyuiop", "too common")]
    [InlineData("{email}", "must not be the email")]
    public async Task Weak_passwords_are_refused_at_registration_with_the_reason(string password, string reason)
    {
        using var http = fixture.Anonymous();
        var email = NewEmail();

        var response = await http.PostAsJsonAsync("/api/auth/register", new { email, password = password.Replace("{email}", email, StringComparison.Ordinal), name = "Weak" });

        var problem = await ProblemAssert.NamesFieldsAsync(response, "password");
        Assert.Contains(reason, problem.GetProperty("errors").GetProperty("password")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_the_password_ends_the_accounts_other_tokens_and_returns_a_fresh_one()
    {
        var email = NewEmail();
        using var anonymous = fixture.Anonymous();
        var registered = await ProblemAssert.JsonAsync(
            await anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = "first-passphrase-1", name = "Changer" }), HttpStatusCode.Created);
        using var caller = fixture.Factory.ClientWithToken(registered.GetProperty("access_token").GetString()!);
        using var otherDevice = fixture.Factory.ClientWithToken(await fixture.Factory.LoginAsync(email, "first-passphrase-1"));
        Assert.Equal(HttpStatusCode.OK, (await otherDevice.GetAsync("/api/auth/me")).StatusCode);

        var changed = await ProblemAssert.JsonAsync(
            await caller.PostAsJsonAsync("/api/auth/password", new { current_password = "first-passphrase-1", new_password = "second-passphrase-2" }),
            HttpStatusCode.OK);

        Assert.Equal(email, changed.GetProperty("user").GetProperty("email").GetString());
        Assert.False(changed.GetProperty("user").TryGetProperty("token_generation", out _));
        await ProblemAssert.IsProblemAsync(await otherDevice.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await caller.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);
        using var fresh = fixture.Factory.ClientWithToken(changed.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/api/auth/me")).StatusCode);
        await ProblemAssert.IsProblemAsync(
            await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = "first-passphrase-1" }), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = "second-passphrase-2" })).StatusCode);
    }

    [Fact]
    public async Task A_password_change_with_a_wrong_current_or_a_weak_new_password_is_422_and_changes_nothing()
    {
        var (_, token) = await fixture.Factory.CreateUserAsync("agent");
        using var agent = fixture.Factory.ClientWithToken(token);

        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsJsonAsync("/api/auth/password", new { current_password = "not-the-password", new_password = "another-passphrase-3" }),
            "current_password");
        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsJsonAsync("/api/auth/password", new { current_password = CrmApiFactory.UserPassword, new_password = "1234567890" }),
            "new_password");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/auth/password", new { }), "current_password", "new_password");
        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsJsonAsync("/api/auth/password", new { current_password = CrmApiFactory.UserPassword, new_password = "another-passphrase-3", role = "admin" }),
            "role");
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task A_password_change_needs_a_token()
    {
        using var http = fixture.Anonymous();

        await ProblemAssert.IsProblemAsync(
            await http.PostAsJsonAsync("/api/auth/password", new { current_password = "x", new_password = "another-passphrase-3" }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_accepts_json_and_the_oauth2_password_form()
    {
        using var http = fixture.Anonymous();

        var json = await http.PostAsJsonAsync("/api/auth/login", new { email = CrmApiFactory.AdminEmail.ToUpperInvariant(), password = CrmApiFactory.AdminPassword });
        var form = await http.PostAsync("/api/auth/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = CrmApiFactory.AdminEmail,
            ["password"] = CrmApiFactory.AdminPassword,
        }));

        var fromJson = await ProblemAssert.JsonAsync(json, HttpStatusCode.OK);
        var fromForm = await ProblemAssert.JsonAsync(form, HttpStatusCode.OK);
        Assert.Equal("admin", fromJson.GetProperty("user").GetProperty("role").GetString());
        Assert.Equal("bearer", fromForm.GetProperty("token_type").GetString());
        Assert.True(fromForm.GetProperty("expires_in").GetInt32() > 0);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_401()
    {
        using var http = fixture.Anonymous();
        var (_, _) = await fixture.Factory.CreateUserAsync("agent", "same401@crm.test");

        var wrong = await http.PostAsJsonAsync("/api/auth/login", new { email = "same401@crm.test", password = "not-the-password" });
        var unknown = await http.PostAsJsonAsync("/api/auth/login", new { email = "nobody@crm.test", password = "not-the-password" });

        var a = await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Unauthorized);
        var b = await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.Unauthorized);
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Repeated_failed_logins_are_throttled_with_retry_after()
    {
        using var http = fixture.Anonymous();
        var email = NewEmail();
        await http.PostAsJsonAsync("/api/auth/register", new { email, password = "sturdy-passphrase-42", name = "Throttled" });

        for (var i = 0; i < 3; i++)
        {
            var failed = await http.PostAsJsonAsync("/api/auth/login", new { email, password = "wrong-password" });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        var throttled = await http.PostAsJsonAsync("/api/auth/login", new { email, password = "sturdy-passphrase-42" });

        await ProblemAssert.IsProblemAsync(throttled, HttpStatusCode.TooManyRequests);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Oversized_emails_are_422_before_any_account_is_touched()
    {
        using var http = fixture.Anonymous();
        var huge = new string('a', 300) + "@crm.test";

        await ProblemAssert.NamesFieldsAsync(await http.PostAsJsonAsync("/api/auth/register", new { email = huge, password = "sturdy-passphrase-42", name = "X" }), "email");
        await ProblemAssert.NamesFieldsAsync(await http.PostAsJsonAsync("/api/auth/login", new { email = huge, password = "sturdy-passphrase-42" }), "email");
    }

    [Fact]
    public async Task Login_with_missing_fields_is_422_naming_them()
    {
        using var http = fixture.Anonymous();

        await ProblemAssert.NamesFieldsAsync(await http.PostAsJsonAsync("/api/auth/login", new { }), "email", "password");
        await ProblemAssert.NamesFieldsAsync(
            await http.PostAsync("/api/auth/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "a@b.c" })), "password");
    }

    [Fact]
    public async Task Me_returns_the_signed_in_user()
    {
        using var http = fixture.Agent();

        var json = await ProblemAssert.JsonAsync(await http.GetAsync("/api/auth/me"), HttpStatusCode.OK);

        Assert.Equal(fixture.AgentId, json.GetProperty("id").GetString());
        Assert.Equal("agent", json.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Me_without_a_token_is_401_problem()
    {
        using var http = fixture.Anonymous();

        var response = await http.GetAsync("/api/auth/me");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    public static TheoryData<string> ForgedTokens()
    {
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(CrmApiFactory.JwtKey));
        var wrongKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("another-signing-key-that-is-long-enough-987654321"));
        var handler = new JsonWebTokenHandler();
        string Token(SigningCredentials? credentials, DateTime expires, string issuer = "crm-chatbot") =>
            handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = issuer,
                Audience = "crm-chatbot-api",
                IssuedAt = expires.AddHours(-1),
                NotBefore = expires.AddHours(-1),
                Expires = expires,
                SigningCredentials = credentials,
                Subject = new ClaimsIdentity([new Claim("sub", "x"), new Claim("email", CrmApiFactory.AdminEmail), new Claim("role", "admin")]),
            });
        var future = DateTime.UtcNow.AddHours(1);
        return new TheoryData<string>
        {
            Token(null, future), // alg: none
            Token(new SigningCredentials(wrongKey, SecurityAlgorithms.HmacSha256), future),
            Token(new SigningCredentials(key, SecurityAlgorithms.HmacSha512), future), // our key, another algorithm
            Token(new SigningCredentials(key, SecurityAlgorithms.HmacSha256), DateTime.UtcNow.AddMinutes(-5)), // expired
            Token(new SigningCredentials(key, SecurityAlgorithms.HmacSha256), future, issuer: "someone-else"),
            "not.a.token",
        };
    }

    [Theory]
    [MemberData(nameof(ForgedTokens), MemberType = typeof(AuthTests))]
    public async Task Forged_expired_and_unsigned_tokens_are_401(string token)
    {
        using var http = fixture.Factory.ClientWithToken(token);

        await ProblemAssert.IsProblemAsync(await http.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await http.GetAsync("/api/users"), HttpStatusCode.Unauthorized);
    }

    /// <summary>A new agent whose token has already been accepted once (so any per-silo account cache holds it).</summary>
    private async Task<(string Id, HttpClient Agent)> AgentWithTokenInUseAsync(string path)
    {
        var (id, token) = await fixture.Factory.CreateUserAsync("agent");
        var agent = fixture.Factory.ClientWithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync(path)).StatusCode);
        return (id, agent);
    }

    [Fact]
    public async Task A_deactivated_users_token_stops_working_at_once()
    {
        var (id, client) = await AgentWithTokenInUseAsync("/api/auth/me");
        using var agent = client;
        using var admin = fixture.Admin();
        var deactivate = await admin.PutAsJsonAsync($"/api/users/{id}", new { is_active = false });
        Assert.Equal(HttpStatusCode.OK, deactivate.StatusCode);

        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/leads"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_role_change_applies_to_the_next_request_of_a_token_already_in_use()
    {
        var (id, client) = await AgentWithTokenInUseAsync("/api/leads");
        using var agent = client;
        using var admin = fixture.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/users/{id}", new { role = "client" })).StatusCode);
        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/leads"), HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/users/{id}", new { role = "agent" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/leads")).StatusCode);
    }

    [Fact]
    public async Task A_deleted_users_token_stops_working_at_once_and_does_not_open_a_re_registered_account()
    {
        var email = $"gone-{Guid.NewGuid():N}@crm.test";
        var (id, token) = await fixture.Factory.CreateUserAsync("agent", email);
        using var agent = fixture.Factory.ClientWithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/auth/me")).StatusCode);

        using var admin = fixture.Admin();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/users/{id}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);

        await fixture.Factory.CreateUserAsync("agent", email);
        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_malformed_authorization_header_is_401_not_500()
    {
        using var http = fixture.Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "%%%");

        await ProblemAssert.IsProblemAsync(await http.GetAsync("/api/leads"), HttpStatusCode.Unauthorized);
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class AuthTestsOnSqlite(SqliteApiFixture fixture) : AuthTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class AuthTestsOnMongo(MongoApiFixture fixture) : AuthTests(fixture);
