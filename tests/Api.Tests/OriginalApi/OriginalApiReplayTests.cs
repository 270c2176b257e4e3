using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CrmChatbot.Api.Tests.OriginalApi;

/// <summary>
/// Replays the requests a client written for the original FastAPI backend sends, as its documentation describes
/// them: every endpoint (register, login, me, and list/create/read/update/delete of leads, campaigns, meetings and
/// tickets) with every field its models list (User: email, password, name, role; Lead: name, email, phone, status,
/// source; Campaign: name, type, status, metrics; Meeting: title, date, participants as plain strings, notes;
/// Ticket: subject, description, priority, status), as raw snake_case JSON, and PUT with subsets of those fields.
/// Each must succeed with the fields the original returned. Where our access rules refuse what the original
/// allowed, that is a deliberate difference listed in README ("Differences from the original API") and asserted
/// here, so it cannot change unnoticed.
/// </summary>
public abstract class OriginalApiReplayTests(ApiFixture fixture)
{
    private static int _day;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Unique() => Guid.NewGuid().ToString("N")[..12];

    /// <summary>A day no other test books, at 10:00 UTC, as ISO 8601 with Z.</summary>
    private static string NewDate() =>
        new DateTime(2032, 1, 1, 10, 0, 0, DateTimeKind.Utc).AddDays(Interlocked.Increment(ref _day)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, string? json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : Json(json) };
        return await ProblemAssert.JsonAsync(await http.SendAsync(request), expected);
    }

    private static string NewPhone() => "+1 555 " + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);

    private static string Id(JsonElement entity) => entity.GetProperty("id").GetString()!;

    /// <summary>The documented fields, with the values sent (strings compared as JSON text).</summary>
    private static void HasFields(JsonElement entity, string expectedJson)
    {
        using var expected = JsonDocument.Parse(expectedJson);
        foreach (var field in expected.RootElement.EnumerateObject())
        {
            Assert.True(entity.TryGetProperty(field.Name, out var actual), $"no {field.Name} in {entity}");
            Assert.True(field.Value.ValueKind == JsonValueKind.String
                    ? actual.GetString() == field.Value.GetString()
                    : JsonElement.DeepEquals(field.Value, actual),
                $"{field.Name}: expected {field.Value}, got {actual}");
        }
    }

    /// <summary>Deleted: gone for reads, and a 404 carries <c>detail</c>, as FastAPI's HTTPException body did.</summary>
    private static async Task DeletedAsync(HttpClient http, string path)
    {
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync(path)).StatusCode);
        var missing = await ProblemAssert.IsProblemAsync(await http.GetAsync(path), HttpStatusCode.NotFound);
        Assert.False(string.IsNullOrEmpty(missing.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Register_login_and_me_as_the_original_documents_them()
    {
        using var anonymous = fixture.Anonymous();
        var email = $"original-{Unique()}@crm.test";
        const string password = "original-client-pass-42";

        var registered = await SendAsync(anonymous, HttpMethod.Post, "/api/auth/register",
            $$"""{"email": "{{email}}", "password": "{{password}}", "name": "Original Client"}""", HttpStatusCode.Created);
        Assert.StartsWith("eyJ", registered.GetProperty("access_token").GetString(), StringComparison.Ordinal);
        Assert.Equal("bearer", registered.GetProperty("token_type").GetString());
        HasFields(registered.GetProperty("user"), $$"""{"email": "{{email}}", "name": "Original Client", "role": "client"}""");
        Assert.False(registered.GetProperty("user").TryGetProperty("password", out _));

        // Some original clients send a role: it is accepted and never grants more than client.
        var withRole = await SendAsync(anonymous, HttpMethod.Post, "/api/auth/register",
            $$"""{"email": "role-{{Unique()}}@crm.test", "password": "{{password}}", "name": "Wants Admin", "role": "admin"}""", HttpStatusCode.Created);
        Assert.Equal("client", withRole.GetProperty("user").GetProperty("role").GetString());

        var login = await SendAsync(anonymous, HttpMethod.Post, "/api/auth/login", $$"""{"email": "{{email}}", "password": "{{password}}"}""", HttpStatusCode.OK);
        HasFields(login.GetProperty("user"), $$"""{"email": "{{email}}", "name": "Original Client", "role": "client"}""");
        Assert.Equal("bearer", login.GetProperty("token_type").GetString());
        // FastAPI's OAuth2 password form (username = email), as the docs page's Authorize button sends it.
        var form = await anonymous.PostAsync("/api/auth/login",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = email, ["password"] = password }));
        Assert.StartsWith("eyJ", (await ProblemAssert.JsonAsync(form, HttpStatusCode.OK)).GetProperty("access_token").GetString(), StringComparison.Ordinal);

        using var me = fixture.Factory.CreateClient();
        me.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("access_token").GetString());
        var current = await SendAsync(me, HttpMethod.Get, "/api/auth/me", null, HttpStatusCode.OK);
        HasFields(current, $$"""{"id": "{{Id(registered.GetProperty("user"))}}", "email": "{{email}}", "name": "Original Client", "role": "client"}""");
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Leads_list_create_read_update_delete_with_every_documented_field()
    {
        using var agent = fixture.Agent();
        var tag = Unique();
        var phone = NewPhone();
        var body = $$"""{"name": "Jane Prospect", "email": "jane-{{tag}}@example.com", "phone": "{{phone}}", "status": "new", "source": "website"}""";

        var lead = await SendAsync(agent, HttpMethod.Post, "/api/leads", body, HttpStatusCode.Created);
        HasFields(lead, body);
        var path = $"/api/leads/{Id(lead)}";

        var list = await SendAsync(agent, HttpMethod.Get, $"/api/leads?q={tag}", null, HttpStatusCode.OK);
        HasFields(list.GetProperty("items").EnumerateArray().Single(), body);
        HasFields(await SendAsync(agent, HttpMethod.Get, path, null, HttpStatusCode.OK), body);

        // PUT with subsets of the fields: those change, the others keep their value.
        HasFields(await SendAsync(agent, HttpMethod.Put, path, """{"status": "contacted"}""", HttpStatusCode.OK),
            $$"""{"name": "Jane Prospect", "status": "contacted", "source": "website", "phone": "{{phone}}"}""");
        var renamed = $$"""{"name": "Jane P. Prospect", "email": "jane.p-{{tag}}@example.com", "phone": "{{NewPhone()}}", "source": "referral"}""";
        HasFields(await SendAsync(agent, HttpMethod.Put, path, renamed, HttpStatusCode.OK), renamed);
        HasFields(await SendAsync(agent, HttpMethod.Put, path, """{"status": "qualified", "source": "event"}""", HttpStatusCode.OK),
            """{"status": "qualified", "source": "event", "name": "Jane P. Prospect"}""");

        await DeletedAsync(agent, path);

        // Deliberate difference: leads are staff data here; a client account gets 403 (see README).
        using var client = fixture.Client();
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/leads", Json(body)), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/leads"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Campaigns_list_create_read_update_delete_with_every_documented_field()
    {
        using var admin = fixture.Admin();
        var name = $"Spring newsletter {Unique()}";
        var body = $$$"""{"name": "{{{name}}}", "type": "email", "status": "draft", "metrics": {"sent": 1000, "opened": 420, "clicked": 97}}""";

        var campaign = await SendAsync(admin, HttpMethod.Post, "/api/campaigns", body, HttpStatusCode.Created);
        HasFields(campaign, $$"""{"name": "{{name}}", "type": "email", "status": "draft"}""");
        HasFields(campaign.GetProperty("metrics"), """{"sent": 1000, "opened": 420, "clicked": 97}""");
        var path = $"/api/campaigns/{Id(campaign)}";

        var list = await SendAsync(admin, HttpMethod.Get, $"/api/campaigns?q={Uri.EscapeDataString(name)}", null, HttpStatusCode.OK);
        Assert.Equal([Id(campaign)], list.GetProperty("items").EnumerateArray().Select(Id));
        HasFields(await SendAsync(admin, HttpMethod.Get, path, null, HttpStatusCode.OK), $$"""{"name": "{{name}}", "type": "email"}""");

        HasFields(await SendAsync(admin, HttpMethod.Put, path, """{"status": "active"}""", HttpStatusCode.OK), """{"status": "active", "type": "email"}""");
        var metrics = await SendAsync(admin, HttpMethod.Put, path, """{"metrics": {"sent": 1500, "opened": 600, "clicked": 150}}""", HttpStatusCode.OK);
        HasFields(metrics.GetProperty("metrics"), """{"sent": 1500, "opened": 600, "clicked": 150}""");
        HasFields(await SendAsync(admin, HttpMethod.Put, path, $$"""{"name": "{{name}} (social)", "type": "social"}""", HttpStatusCode.OK),
            $$"""{"name": "{{name}} (social)", "type": "social", "status": "active"}""");

        await DeletedAsync(admin, path);

        // Deliberate differences: campaigns are managed by admins; agents read them, clients get 403 (see README).
        using var agent = fixture.Agent();
        await ProblemAssert.IsProblemAsync(await agent.PostAsync("/api/campaigns", Json(body)), HttpStatusCode.Forbidden);
        using var client = fixture.Client();
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/campaigns"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Meetings_list_create_read_update_delete_with_plain_string_participants()
    {
        using var agent = fixture.Agent();
        var tag = Unique();
        var (clientId, clientToken) = await fixture.Factory.CreateUserAsync("client");
        var guestEmail = $"guest-{tag}@example.com";
        var date = NewDate();
        var body = $$"""
            {"title": "Kickoff {{tag}}", "date": "{{date}}", "participants": ["{{clientId}}", "{{guestEmail}}", "Bob from Acme"], "notes": "Agenda: scope, timeline"}
            """;

        var meeting = await SendAsync(agent, HttpMethod.Post, "/api/meetings", body, HttpStatusCode.Created);
        HasFields(meeting, $$"""{"title": "Kickoff {{tag}}", "notes": "Agenda: scope, timeline"}""");
        Assert.Equal(DateTime.Parse(date, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), meeting.GetProperty("date").GetDateTime().ToUniversalTime());
        var participants = meeting.GetProperty("participants").EnumerateArray().ToList();
        Assert.Contains(participants, p => p.GetProperty("user_id").GetString() == clientId);
        Assert.Contains(participants, p => p.GetProperty("email").GetString() == guestEmail);
        Assert.Contains(participants, p => p.GetProperty("name").GetString() == "Bob from Acme");
        var path = $"/api/meetings/{Id(meeting)}";

        var list = await SendAsync(agent, HttpMethod.Get, $"/api/meetings?q={tag}", null, HttpStatusCode.OK);
        Assert.Equal([Id(meeting)], list.GetProperty("items").EnumerateArray().Select(Id));
        HasFields(await SendAsync(agent, HttpMethod.Get, path, null, HttpStatusCode.OK), $$"""{"title": "Kickoff {{tag}}"}""");
        using var client = fixture.Factory.ClientWithToken(clientToken);
        HasFields(await SendAsync(client, HttpMethod.Get, path, null, HttpStatusCode.OK), $$"""{"title": "Kickoff {{tag}}"}""");

        HasFields(await SendAsync(agent, HttpMethod.Put, path, """{"notes": "Agenda: scope only"}""", HttpStatusCode.OK),
            $$"""{"notes": "Agenda: scope only", "title": "Kickoff {{tag}}"}""");
        // An original Python client sends datetime.isoformat(): no zone, microseconds; the original stored it as UTC.
        var moved = NewDate().TrimEnd('Z') + ".500000";
        var rescheduled = await SendAsync(agent, HttpMethod.Put, path, $$"""{"title": "Kickoff (moved) {{tag}}", "date": "{{moved}}"}""", HttpStatusCode.OK);
        Assert.Equal(
            DateTime.SpecifyKind(DateTime.Parse(moved, CultureInfo.InvariantCulture), DateTimeKind.Utc),
            rescheduled.GetProperty("date").GetDateTime().ToUniversalTime());
        var replaced = await SendAsync(agent, HttpMethod.Put, path, $$"""{"participants": ["Carol from Acme", "{{guestEmail}}"]}""", HttpStatusCode.OK);
        Assert.Equal([fixture.AgentId, "Carol from Acme", guestEmail],
            replaced.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("user_id").GetString() ?? p.GetProperty("email").GetString() ?? p.GetProperty("name").GetString()));

        await DeletedAsync(agent, path);

        // Deliberate difference: booking is for staff; a client reads the meetings they take part in (see README).
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/meetings", Json(body)), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Tickets_list_create_read_update_delete_with_every_documented_field()
    {
        var (_, clientToken) = await fixture.Factory.CreateUserAsync("client");
        using var client = fixture.Factory.ClientWithToken(clientToken);
        using var agent = fixture.Agent();
        const string body = """{"subject": "Cannot log in", "description": "The login page spins forever.", "priority": "high", "status": "open"}""";

        // The documented request, as a client and as staff.
        var ticket = await SendAsync(client, HttpMethod.Post, "/api/tickets", body, HttpStatusCode.Created);
        HasFields(ticket, body);
        var staffTicket = await SendAsync(agent, HttpMethod.Post, "/api/tickets", body, HttpStatusCode.Created);
        HasFields(staffTicket, body);
        var path = $"/api/tickets/{Id(ticket)}";

        var list = await SendAsync(client, HttpMethod.Get, "/api/tickets", null, HttpStatusCode.OK);
        Assert.Equal([Id(ticket)], list.GetProperty("items").EnumerateArray().Select(Id));
        HasFields(await SendAsync(client, HttpMethod.Get, path, null, HttpStatusCode.OK), body);
        HasFields(await SendAsync(agent, HttpMethod.Get, path, null, HttpStatusCode.OK), body);

        HasFields(await SendAsync(client, HttpMethod.Put, path, """{"subject": "Cannot log in on mobile", "description": "Only on the app."}""", HttpStatusCode.OK),
            """{"subject": "Cannot log in on mobile", "description": "Only on the app.", "priority": "high", "status": "open"}""");
        HasFields(await SendAsync(agent, HttpMethod.Put, path, """{"priority": "urgent", "status": "in_progress"}""", HttpStatusCode.OK),
            """{"priority": "urgent", "status": "in_progress", "subject": "Cannot log in on mobile"}""");
        HasFields(await SendAsync(client, HttpMethod.Put, path, """{"status": "closed"}""", HttpStatusCode.OK), """{"status": "closed"}""");

        // Deliberate differences (see README): a client may not reprioritize, move a ticket other than close/reopen,
        // open one in another status than open, or delete; staff may.
        await ProblemAssert.IsProblemAsync(await client.PutAsync(path, Json("""{"priority": "low"}""")), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/tickets", Json(body.Replace("\"open\"", "\"resolved\"", StringComparison.Ordinal))), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.DeleteAsync(path), HttpStatusCode.Forbidden);
        await DeletedAsync(agent, path);
        await DeletedAsync(agent, $"/api/tickets/{Id(staffTicket)}");
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class OriginalApiReplayTestsOnSqlite(SqliteApiFixture fixture) : OriginalApiReplayTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class OriginalApiReplayTestsOnMongo(MongoApiFixture fixture) : OriginalApiReplayTests(fixture);
