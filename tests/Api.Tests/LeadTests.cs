using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrmChatbot.Api.Tests;

public abstract class LeadTests(ApiFixture fixture)
{
    private static async Task<JsonElement> CreateAsync(HttpClient http, object body) =>
        await ProblemAssert.JsonAsync(await http.PostAsJsonAsync("/api/leads", body), HttpStatusCode.Created);

    [Fact]
    public async Task Create_returns_201_with_location_defaults_and_owner()
    {
        using var agent = fixture.Agent();

        var response = await agent.PostAsJsonAsync("/api/leads", new { name = "Ada Lovelace", email = "ADA@example.com", company = "Engines Ltd" });

        var lead = await ProblemAssert.JsonAsync(response, HttpStatusCode.Created);
        var id = lead.GetProperty("id").GetString();
        Assert.Equal($"/api/leads/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("ada@example.com", lead.GetProperty("email").GetString());
        Assert.Equal("new", lead.GetProperty("status").GetString());
        Assert.Equal("website", lead.GetProperty("source").GetString());
        Assert.Equal(fixture.AgentId, lead.GetProperty("owner_id").GetString());
        Assert.Equal(lead.GetProperty("created_at").GetDateTime(), lead.GetProperty("updated_at").GetDateTime());

        var read = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads/{id}"), HttpStatusCode.OK);
        Assert.Equal(lead.ToString(), read.ToString());
    }

    [Fact]
    public async Task Put_and_patch_are_partial_and_null_clears_a_field()
    {
        using var agent = fixture.Agent();
        var lead = await CreateAsync(agent, new { name = "Partial", email = "p@example.com", phone = "+1 555 010 0000", notes = "first" });
        var id = lead.GetProperty("id").GetString();

        var put = await ProblemAssert.JsonAsync(
            await agent.PutAsJsonAsync($"/api/leads/{id}", new { status = "contacted", phone = (string?)null }), HttpStatusCode.OK);
        var patch = await ProblemAssert.JsonAsync(
            await agent.PatchAsJsonAsync($"/api/leads/{id}", new { notes = "second" }), HttpStatusCode.OK);

        Assert.Equal("contacted", put.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, put.GetProperty("phone").ValueKind);
        Assert.Equal("p@example.com", put.GetProperty("email").GetString());
        Assert.Equal("first", put.GetProperty("notes").GetString());
        Assert.Equal("second", patch.GetProperty("notes").GetString());
        Assert.Equal("contacted", patch.GetProperty("status").GetString());
        Assert.True(patch.GetProperty("updated_at").GetDateTime() >= lead.GetProperty("updated_at").GetDateTime());
        Assert.Equal(lead.GetProperty("created_at").GetDateTime(), patch.GetProperty("created_at").GetDateTime());
    }

    [Fact]
    public async Task Delete_is_204_then_404()
    {
        using var agent = fixture.Agent();
        var id = (await CreateAsync(agent, new { name = "Short lived" })).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.NoContent, (await agent.DeleteAsync($"/api/leads/{id}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await agent.GetAsync($"/api/leads/{id}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await agent.DeleteAsync($"/api/leads/{id}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await agent.PutAsJsonAsync($"/api/leads/{id}", new { name = "x" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Admins_manage_leads_clients_get_403_and_anonymous_401()
    {
        using var admin = fixture.Admin();
        using var client = fixture.Client();
        using var anonymous = fixture.Anonymous();
        var id = (await CreateAsync(admin, new { name = "Admin made" })).GetProperty("id").GetString();

        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/leads"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/api/leads/{id}"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/leads", new { name = "x" }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PutAsJsonAsync($"/api/leads/{id}", new { name = "x" }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.DeleteAsync($"/api/leads/{id}"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync("/api/leads"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/leads/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_created_lead_is_in_the_list_as_soon_as_the_write_returns()
    {
        using var agent = fixture.Agent();
        var tag = Guid.NewGuid().ToString("N");

        var id = (await CreateAsync(agent, new { name = "Immediate", company = tag })).GetProperty("id").GetString();
        var list = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads?q={tag}"), HttpStatusCode.OK);

        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal(id, list.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, list.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task The_list_filters_sorts_and_pages()
    {
        using var agent = fixture.Agent();
        using var admin = fixture.Admin();
        var me = await ProblemAssert.JsonAsync(await admin.GetAsync("/api/auth/me"), HttpStatusCode.OK);
        var adminId = me.GetProperty("id").GetString();
        var tag = Guid.NewGuid().ToString("N");
        var specs = new (string Name, string Status, string Source, string? Owner)[]
        {
            ("charlie", "new", "website", null),
            ("Alpha", "qualified", "referral", null),
            ("bravo", "qualified", "chatbot", adminId),
            ("Delta", "lost", "referral", adminId),
            ("echo", "qualified", "referral", null),
        };
        foreach (var s in specs)
        {
            await CreateAsync(agent, new
            {
                name = s.Name, status = s.Status, source = s.Source, owner_id = s.Owner, company = $"Co {tag}",
                lost_reason = s.Status == "lost" ? "budget" : null,
            });
        }

        async Task<string[]> Names(string query)
        {
            var page = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads?q={tag}&{query}"), HttpStatusCode.OK);
            return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!)];
        }

        Assert.Equal(["echo", "Delta", "bravo", "Alpha", "charlie"], await Names(""));            // default -created_at
        Assert.Equal(["charlie", "Alpha", "bravo", "Delta", "echo"], await Names("sort=created_at"));
        Assert.Equal(["Alpha", "bravo", "charlie", "Delta", "echo"], await Names("sort=name"));   // case-insensitive
        Assert.Equal(["echo", "Delta", "charlie", "bravo", "Alpha"], await Names("sort=-name"));
        Assert.Equal(["Alpha", "bravo", "echo"], await Names("status=qualified&sort=name"));
        Assert.Equal(["Alpha", "echo"], await Names("status=qualified&source=referral&sort=name"));
        Assert.Equal(["bravo", "Delta"], await Names($"owner_id={adminId}&sort=name"));
        var byName = await ProblemAssert.JsonAsync(await agent.GetAsync("/api/leads?q=BRAV&limit=200"), HttpStatusCode.OK);
        Assert.Contains(byName.GetProperty("items").EnumerateArray(), i => i.GetProperty("company").GetString() == $"Co {tag}");

        var first = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads?q={tag}&sort=name&limit=2"), HttpStatusCode.OK);
        Assert.Equal(5, first.GetProperty("total").GetInt32());
        Assert.Equal(2, first.GetProperty("next").GetInt32());
        Assert.Equal(["charlie", "Delta"], await Names("sort=name&limit=2&offset=2"));
        var last = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads?q={tag}&sort=name&limit=2&offset=4"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, last.GetProperty("next").ValueKind);
        Assert.Single(last.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Search_matches_email_and_company_case_insensitively()
    {
        using var agent = fixture.Agent();
        var tag = Guid.NewGuid().ToString("N")[..12];
        await CreateAsync(agent, new { name = "By email", email = $"{tag}@example.com" });
        await CreateAsync(agent, new { name = "By company", company = $"ACME {tag.ToUpperInvariant()} Inc" });

        var list = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads?q={tag}&sort=name"), HttpStatusCode.OK);

        Assert.Equal(2, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Owner_must_be_an_active_staff_user()
    {
        using var agent = fixture.Agent();
        var (clientId, _) = await fixture.Factory.CreateUserAsync("client");

        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/leads", new { name = "X", owner_id = clientId }), "owner_id");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/leads", new { name = "X", owner_id = "nobody" }), "owner_id");
        var ok = await CreateAsync(agent, new { name = "X", owner_id = fixture.AgentId });
        Assert.Equal(fixture.AgentId, ok.GetProperty("owner_id").GetString());
    }

    [Fact]
    public async Task Entity_responses_carry_an_etag_and_if_match_guards_updates()
    {
        using var agent = fixture.Agent();
        var created = await agent.PostAsJsonAsync("/api/leads", new { name = "Etag" });
        var etag = created.Headers.ETag?.Tag;
        var id = (await ProblemAssert.JsonAsync(created, HttpStatusCode.Created)).GetProperty("id").GetString();
        Assert.Equal("\"1\"", etag);

        using var first = new HttpRequestMessage(HttpMethod.Put, $"/api/leads/{id}") { Content = JsonContent.Create(new { notes = "one" }) };
        first.Headers.TryAddWithoutValidation("If-Match", etag);
        var ok = await agent.SendAsync(first);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("\"2\"", ok.Headers.ETag?.Tag);

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/leads/{id}") { Content = JsonContent.Create(new { notes = "two" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        await ProblemAssert.IsProblemAsync(await agent.SendAsync(stale), HttpStatusCode.PreconditionFailed);

        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, $"/api/leads/{id}");
        staleDelete.Headers.TryAddWithoutValidation("If-Match", "W/\"2\"");
        await ProblemAssert.IsProblemAsync(await agent.SendAsync(staleDelete), HttpStatusCode.PreconditionFailed);

        var read = await agent.GetAsync($"/api/leads/{id}");
        Assert.Equal("\"2\"", read.Headers.ETag?.Tag);
        Assert.Equal("one", (await ProblemAssert.JsonAsync(read, HttpStatusCode.OK)).GetProperty("notes").GetString());
    }

    [Fact]
    public async Task The_timeline_shows_who_changed_which_fields_newest_first()
    {
        using var agent = fixture.Agent();
        var id = (await CreateAsync(agent, new { name = "Timeline", status = "new" })).GetProperty("id").GetString();
        await agent.PutAsJsonAsync($"/api/leads/{id}", new { status = "qualified", company = "Acme" });

        var page = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads/{id}/timeline"), HttpStatusCode.OK);

        Assert.Equal(2, page.GetProperty("total").GetInt32());
        var latest = page.GetProperty("items")[0];
        Assert.Equal("updated", latest.GetProperty("action").GetString());
        Assert.Equal(fixture.AgentId, latest.GetProperty("actor").GetProperty("id").GetString());
        Assert.Equal("user", latest.GetProperty("actor").GetProperty("kind").GetString());
        var status = latest.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("field").GetString() == "status");
        Assert.Equal("new", status.GetProperty("from").GetString());
        Assert.Equal("qualified", status.GetProperty("to").GetString());
        Assert.Equal("created", page.GetProperty("items")[1].GetProperty("action").GetString());
        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/leads/nope/timeline"), HttpStatusCode.NotFound);
        using var client = fixture.Client();
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/api/leads/{id}/timeline"), HttpStatusCode.Forbidden);
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class LeadTestsOnSqlite(SqliteApiFixture fixture) : LeadTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class LeadTestsOnMongo(MongoApiFixture fixture) : LeadTests(fixture);
