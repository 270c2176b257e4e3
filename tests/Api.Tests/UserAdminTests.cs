using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace CrmChatbot.Api.Tests;

public abstract class UserAdminTests(ApiFixture fixture)
{
    [Fact]
    public async Task Admin_creates_reads_updates_lists_and_deletes_a_user()
    {
        using var admin = fixture.Admin();
        var email = $"agent-{Guid.NewGuid():N}@crm.test";

        var created = await ProblemAssert.JsonAsync(
            await admin.PostAsJsonAsync("/api/users", new { email, password = "sturdy-passphrase-42", name = "Agent Smith", role = "agent" }),
            HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("agent", created.GetProperty("role").GetString());

        var read = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/users/{id}"), HttpStatusCode.OK);
        Assert.Equal(email, read.GetProperty("email").GetString());

        var updated = await ProblemAssert.JsonAsync(
            await admin.PutAsJsonAsync($"/api/users/{id}", new { name = "Agent Jones", role = "admin" }), HttpStatusCode.OK);
        Assert.Equal("Agent Jones", updated.GetProperty("name").GetString());
        Assert.Equal("admin", updated.GetProperty("role").GetString());
        Assert.True(updated.GetProperty("is_active").GetBoolean());

        var list = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/users?q={Uri.EscapeDataString(email)}"), HttpStatusCode.OK);
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal(id, list.GetProperty("items")[0].GetProperty("id").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/users/{id}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/users/{id}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await admin.DeleteAsync($"/api/users/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_user_list_filters_by_role_and_active()
    {
        using var admin = fixture.Admin();

        var agents = await ProblemAssert.JsonAsync(await admin.GetAsync("/api/users?role=agent&is_active=true&limit=200"), HttpStatusCode.OK);

        Assert.True(agents.GetProperty("total").GetInt32() >= 1);
        Assert.All(agents.GetProperty("items").EnumerateArray(), u =>
        {
            Assert.Equal("agent", u.GetProperty("role").GetString());
            Assert.True(u.GetProperty("is_active").GetBoolean());
        });
        Assert.Contains(agents.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetString() == fixture.AgentId);
    }

    [Theory]
    [InlineData("/api/users?role=boss", "role")]
    [InlineData("/api/users?is_active=maybe", "is_active")]
    [InlineData("/api/users?limit=0", "limit")]
    [InlineData("/api/users?limit=201", "limit")]
    [InlineData("/api/users?offset=-1", "offset")]
    public async Task Bad_list_parameters_are_422(string url, string field)
    {
        using var admin = fixture.Admin();

        await ProblemAssert.NamesFieldsAsync(await admin.GetAsync(url), field);
    }

    [Fact]
    public async Task Agents_clients_and_anonymous_cannot_manage_users()
    {
        using var agent = fixture.Agent();
        using var client = fixture.Client();
        using var anonymous = fixture.Anonymous();
        var body = new { email = "x@crm.test", password = "sturdy-passphrase-42", name = "X", role = "admin" };

        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/users"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await agent.PostAsJsonAsync("/api/users", body), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/users", body), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.DeleteAsync($"/api/users/{fixture.AgentId}"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync("/api/users"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Admin_cannot_lock_themselves_out()
    {
        using var admin = fixture.Admin();
        var me = await ProblemAssert.JsonAsync(await admin.GetAsync("/api/auth/me"), HttpStatusCode.OK);
        var id = me.GetProperty("id").GetString();

        await ProblemAssert.IsProblemAsync(await admin.PutAsJsonAsync($"/api/users/{id}", new { role = "agent" }), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await admin.PutAsJsonAsync($"/api/users/{id}", new { is_active = false }), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await admin.DeleteAsync($"/api/users/{id}"), HttpStatusCode.Conflict);
        Assert.Equal("admin", (await ProblemAssert.JsonAsync(await admin.GetAsync("/api/auth/me"), HttpStatusCode.OK)).GetProperty("role").GetString());
    }

    [Theory]
    [InlineData("{\"role\":\"boss\"}", "role")]
    [InlineData("{\"is_active\":\"yes\"}", "is_active")]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"email\":\"new@crm.test\"}", "email")]
    [InlineData("{\"password\":\"password-456\"}", "password")]
    [InlineData("{\"colour\":\"blue\"}", "colour")]
    public async Task Bad_updates_are_422_and_change_nothing(string body, string field)
    {
        using var admin = fixture.Admin();
        var before = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/users/{fixture.AgentId}"), HttpStatusCode.OK);

        var response = await admin.PutAsync($"/api/users/{fixture.AgentId}", new StringContent(body, Encoding.UTF8, "application/json"));

        await ProblemAssert.NamesFieldsAsync(response, field);
        var after = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/users/{fixture.AgentId}"), HttpStatusCode.OK);
        Assert.Equal(before.ToString(), after.ToString());
    }

    [Fact]
    public async Task Creating_a_user_with_a_taken_email_is_409()
    {
        using var admin = fixture.Admin();

        var response = await admin.PostAsJsonAsync("/api/users",
            new { email = CrmApiFactory.AdminEmail.ToUpperInvariant(), password = "sturdy-passphrase-42", name = "Dup", role = "agent" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Admin_resets_a_password_and_every_token_of_that_user_stops_working()
    {
        var email = $"reset-{Guid.NewGuid():N}@crm.test";
        var (id, token) = await fixture.Factory.CreateUserAsync("agent", email);
        using var agent = fixture.Factory.ClientWithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/auth/me")).StatusCode);
        using var admin = fixture.Admin();

        var reset = await ProblemAssert.JsonAsync(
            await admin.PostAsJsonAsync($"/api/users/{id}/password", new { new_password = "reset-passphrase-77" }), HttpStatusCode.OK);

        Assert.Equal(id, reset.GetProperty("id").GetString());
        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);
        Assert.False(string.IsNullOrEmpty(await fixture.Factory.LoginAsync(email, "reset-passphrase-77")));
    }

    [Fact]
    public async Task Password_resets_and_new_users_follow_the_password_policy()
    {
        using var admin = fixture.Admin();

        await ProblemAssert.NamesFieldsAsync(
            await admin.PostAsJsonAsync($"/api/users/{fixture.AgentId}/password", new { new_password = "password1234" }), "new_password");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync($"/api/users/{fixture.AgentId}/password", new { }), "new_password");
        await ProblemAssert.NamesFieldsAsync(
            await admin.PostAsJsonAsync("/api/users", new { email = $"weak-{Guid.NewGuid():N}@crm.test", password = "12345678", name = "Weak", role = "agent" }),
            "password");
        await ProblemAssert.IsProblemAsync(
            await admin.PostAsJsonAsync("/api/users/no-such-user/password", new { new_password = "reset-passphrase-77" }), HttpStatusCode.NotFound);
        using var agent = fixture.Agent();
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/auth/me")).StatusCode); // the refused resets changed nothing
    }

    [Fact]
    public async Task Only_admins_reset_passwords()
    {
        using var agent = fixture.Agent();
        using var client = fixture.Client();
        using var anonymous = fixture.Anonymous();
        var body = new { new_password = "hijack-passphrase-9" };

        await ProblemAssert.IsProblemAsync(await agent.PostAsJsonAsync($"/api/users/{fixture.AgentId}/password", body), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync($"/api/users/{fixture.AgentId}/password", body), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await anonymous.PostAsJsonAsync($"/api/users/{fixture.AgentId}/password", body), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Unknown_user_ids_are_404()
    {
        using var admin = fixture.Admin();

        await ProblemAssert.IsProblemAsync(await admin.GetAsync("/api/users/no-such-user"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await admin.PutAsJsonAsync("/api/users/no-such-user", new { name = "X" }), HttpStatusCode.NotFound);
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class UserAdminTestsOnSqlite(SqliteApiFixture fixture) : UserAdminTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class UserAdminTestsOnMongo(MongoApiFixture fixture) : UserAdminTests(fixture);
