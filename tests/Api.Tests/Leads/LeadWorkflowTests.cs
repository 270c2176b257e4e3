using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrmChatbot.Api.Tests.Leads;

/// <summary>Scoring, duplicate detection, convert, assign, lost_reason and campaign links over HTTP.</summary>
public abstract class LeadWorkflowTests(ApiFixture fixture)
{
    private static async Task<JsonElement> CreateAsync(HttpClient http, object body, string query = "") =>
        await ProblemAssert.JsonAsync(await http.PostAsJsonAsync("/api/leads" + query, body), HttpStatusCode.Created);

    private static string Id(JsonElement lead) => lead.GetProperty("id").GetString()!;

    private static string UniqueEmail() => $"{Guid.NewGuid():N}@dedupe.test";

    private static string UniqueDigits() =>
        Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(CultureInfo.InvariantCulture);

    private static async Task<string[]> ActionsAsync(HttpClient http, string id)
    {
        var page = await ProblemAssert.JsonAsync(await http.GetAsync($"/api/leads/{id}/timeline"), HttpStatusCode.OK);
        return [.. page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!)];
    }

    private static async Task<JsonElement> DuplicateAsync(HttpResponseMessage response, string existingId, string field)
    {
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(existingId, problem.GetProperty("existing_id").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
        return problem;
    }

    [Fact]
    public async Task The_score_is_returned_and_recomputed_on_every_change()
    {
        using var agent = fixture.Agent();
        var lead = await CreateAsync(agent, new { name = "Scored", source = "referral" });
        var id = Id(lead);

        var richer = await ProblemAssert.JsonAsync(
            await agent.PatchAsJsonAsync($"/api/leads/{id}", new { email = UniqueEmail(), company = "Acme", status = "qualified" }), HttpStatusCode.OK);
        var lost = await ProblemAssert.JsonAsync(
            await agent.PatchAsJsonAsync($"/api/leads/{id}", new { status = "lost", lost_reason = "no budget" }), HttpStatusCode.OK);

        Assert.Equal(30, lead.GetProperty("score").GetInt32());  // name 5 + referral 25
        Assert.Equal(62, richer.GetProperty("score").GetInt32()); // + email 10 + company 7 + qualified 15
        Assert.Equal(17, lost.GetProperty("score").GetInt32());   // 47 - 30
    }

    [Fact]
    public async Task Lists_sort_by_score_and_filter_by_min_score_and_converted()
    {
        using var agent = fixture.Agent();
        var tag = Guid.NewGuid().ToString("N");
        var low = Id(await CreateAsync(agent, new { name = "low", source = "other", company = $"Co {tag}" }));                                  // 17
        var high = Id(await CreateAsync(agent, new { name = "high", source = "referral", status = "qualified", company = $"Co {tag}" }));      // 52
        var middle = Id(await CreateAsync(agent, new { name = "middle", source = "event", company = $"Co {tag}" }));                          // 32
        await ProblemAssert.JsonAsync(await agent.PostAsync($"/api/leads/{middle}/convert", null), HttpStatusCode.OK);                       // 47

        async Task<string[]> Ids(string query)
        {
            var page = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads?q={tag}&{query}"), HttpStatusCode.OK);
            return [.. page.GetProperty("items").EnumerateArray().Select(Id)];
        }

        Assert.Equal([high, middle, low], await Ids("sort=-score"));
        Assert.Equal([low, middle, high], await Ids("sort=score"));
        Assert.Equal([high, middle], await Ids("sort=-score&min_score=40"));
        Assert.Equal([middle], await Ids("converted=true"));
        Assert.Equal([high, low], await Ids("converted=false&sort=-score"));
        await ProblemAssert.NamesFieldsAsync(await agent.GetAsync("/api/leads?min_score=101"), "min_score");
        await ProblemAssert.NamesFieldsAsync(await agent.GetAsync("/api/leads?converted=maybe"), "converted");
    }

    [Fact]
    public async Task A_second_lead_with_the_same_email_in_any_form_is_409_with_the_existing_id()
    {
        using var agent = fixture.Agent();
        var email = UniqueEmail();
        var first = Id(await CreateAsync(agent, new { name = "First", email }));

        await DuplicateAsync(await agent.PostAsJsonAsync("/api/leads", new { name = "Second", email = $"  {email.ToUpperInvariant()} " }), first, "email");
        var allowed = await CreateAsync(agent, new { name = "Allowed twin", email }, "?allow_duplicate=true");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/leads?allow_duplicate=maybe", new { name = "x" }), "allow_duplicate");

        Assert.Equal(email, allowed.GetProperty("email").GetString());
        // The allowed duplicate did not take the claim: the first lead still holds it.
        await DuplicateAsync(await agent.PostAsJsonAsync("/api/leads", new { name = "Third", email }), first, "email");
    }

    [Fact]
    public async Task Phone_formatting_variants_are_duplicates()
    {
        using var agent = fixture.Agent();
        var d = UniqueDigits();
        var first = Id(await CreateAsync(agent, new { name = "Phone one", phone = $"+1 ({d[..3]}) {d[3..6]}-{d[6..]}" }));

        await DuplicateAsync(await agent.PostAsJsonAsync("/api/leads", new { name = "Phone two", phone = $"+1{d}" }), first, "phone");
        // Without the leading + it is another number.
        await CreateAsync(agent, new { name = "Phone three", phone = $"1{d}" });
    }

    [Fact]
    public async Task Concurrent_creates_with_one_email_give_exactly_one_201()
    {
        var email = UniqueEmail();
        var clients = Enumerable.Range(0, 10).Select(_ => fixture.Agent()).ToArray();
        try
        {
            var responses = await Task.WhenAll(clients.Select((c, i) => c.PostAsJsonAsync("/api/leads", new { name = $"Racer {i}", email })));

            var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
            var winnerId = Id(await ProblemAssert.JsonAsync(winner, HttpStatusCode.Created));
            foreach (var loser in responses.Where(r => r != winner))
            {
                await DuplicateAsync(loser, winnerId, "email");
            }

            var list = await ProblemAssert.JsonAsync(await clients[0].GetAsync($"/api/leads?q={email}"), HttpStatusCode.OK);
            Assert.Equal(1, list.GetProperty("total").GetInt32());
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }
    }

    [Fact]
    public async Task Claims_follow_email_changes_and_are_freed_on_delete()
    {
        using var agent = fixture.Agent();
        var (oldEmail, newEmail, otherEmail) = (UniqueEmail(), UniqueEmail(), UniqueEmail());
        var id = Id(await CreateAsync(agent, new { name = "Mover", email = oldEmail }));
        var other = Id(await CreateAsync(agent, new { name = "Other", email = otherEmail }));

        await ProblemAssert.JsonAsync(await agent.PatchAsJsonAsync($"/api/leads/{id}", new { email = newEmail }), HttpStatusCode.OK);
        await CreateAsync(agent, new { name = "Takes the old email", email = oldEmail });
        await DuplicateAsync(await agent.PatchAsJsonAsync($"/api/leads/{other}", new { email = newEmail }), id, "email");
        await ProblemAssert.JsonAsync(await agent.PatchAsJsonAsync($"/api/leads/{other}?allow_duplicate=true", new { email = newEmail }), HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NoContent, (await agent.DeleteAsync($"/api/leads/{id}")).StatusCode);
        await CreateAsync(agent, new { name = "Takes the freed email", email = newEmail });
    }

    [Fact]
    public async Task Convert_records_who_and_when_and_refuses_converted_or_lost_leads()
    {
        using var agent = fixture.Agent();
        var id = Id(await CreateAsync(agent, new { name = "Buyer", status = "qualified" }));
        var before = DateTime.UtcNow.AddSeconds(-5);

        var response = await agent.PostAsJsonAsync($"/api/leads/{id}/convert", new { notes = "signed the contract" });
        var converted = await ProblemAssert.JsonAsync(response, HttpStatusCode.OK);

        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        Assert.Equal("converted", converted.GetProperty("status").GetString());
        Assert.Equal(fixture.AgentId, converted.GetProperty("converted_by").GetString());
        Assert.InRange(converted.GetProperty("converted_at").GetDateTime(), before, DateTime.UtcNow.AddSeconds(5));
        await ProblemAssert.IsProblemAsync(await agent.PostAsync($"/api/leads/{id}/convert", null), HttpStatusCode.Conflict);

        var page = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads/{id}/timeline"), HttpStatusCode.OK);
        var entry = page.GetProperty("items")[0];
        Assert.Equal("converted", entry.GetProperty("action").GetString());
        Assert.Equal("signed the contract", entry.GetProperty("note").GetString());

        var lost = Id(await CreateAsync(agent, new { name = "Gone", status = "lost", lost_reason = "chose a competitor" }));
        await ProblemAssert.IsProblemAsync(await agent.PostAsync($"/api/leads/{lost}/convert", null), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await agent.PostAsync($"/api/leads/{Guid.NewGuid()}/convert", null), HttpStatusCode.NotFound);
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync($"/api/leads/{lost}/convert", new { note = "typo" }), "note");
    }

    [Fact]
    public async Task The_new_posts_honour_if_match()
    {
        using var agent = fixture.Agent();
        var id = Id(await CreateAsync(agent, new { name = "Guarded" }));
        await ProblemAssert.JsonAsync(await agent.PatchAsJsonAsync($"/api/leads/{id}", new { notes = "v2" }), HttpStatusCode.OK);

        foreach (var (path, body) in new (string, object)[] { ("convert", new { }), ("assign", new { owner_id = fixture.AgentId }) })
        {
            using var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/leads/{id}/{path}") { Content = JsonContent.Create(body) };
            stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            await ProblemAssert.IsProblemAsync(await agent.SendAsync(stale), HttpStatusCode.PreconditionFailed);
        }

        using var current = new HttpRequestMessage(HttpMethod.Post, $"/api/leads/{id}/convert") { Content = JsonContent.Create(new { }) };
        current.Headers.TryAddWithoutValidation("If-Match", "\"2\"");
        var ok = await agent.SendAsync(current);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("\"3\"", ok.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Lost_needs_a_lost_reason_which_is_cleared_when_the_lead_leaves_lost()
    {
        using var agent = fixture.Agent();
        var id = Id(await CreateAsync(agent, new { name = "Maybe lost" }));

        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/leads", new { name = "x", status = "lost" }), "lost_reason");
        await ProblemAssert.NamesFieldsAsync(await agent.PatchAsJsonAsync($"/api/leads/{id}", new { status = "lost" }), "lost_reason");
        await ProblemAssert.NamesFieldsAsync(await agent.PatchAsJsonAsync($"/api/leads/{id}", new { lost_reason = "not lost yet" }), "lost_reason");
        var lost = await ProblemAssert.JsonAsync(
            await agent.PatchAsJsonAsync($"/api/leads/{id}", new { status = "lost", lost_reason = "too expensive" }), HttpStatusCode.OK);
        var back = await ProblemAssert.JsonAsync(await agent.PatchAsJsonAsync($"/api/leads/{id}", new { status = "contacted" }), HttpStatusCode.OK);

        Assert.Equal("too expensive", lost.GetProperty("lost_reason").GetString());
        Assert.Equal(JsonValueKind.Null, back.GetProperty("lost_reason").ValueKind);
    }

    [Fact]
    public async Task Assign_gives_the_lead_to_active_staff_only_and_is_in_the_timeline()
    {
        using var agent = fixture.Agent();
        using var client = fixture.Client();
        var (otherAgent, _) = await fixture.Factory.CreateUserAsync("agent");
        var (clientId, _) = await fixture.Factory.CreateUserAsync("client");
        var id = Id(await CreateAsync(agent, new { name = "To hand over" }));

        var assigned = await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync($"/api/leads/{id}/assign", new { owner_id = otherAgent }), HttpStatusCode.OK);

        Assert.Equal(otherAgent, assigned.GetProperty("owner_id").GetString());
        Assert.Equal(["assigned", "created"], await ActionsAsync(agent, id));
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync($"/api/leads/{id}/assign", new { owner_id = clientId }), "owner_id");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync($"/api/leads/{id}/assign", new { }), "owner_id");
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync($"/api/leads/{id}/assign", new { owner_id = otherAgent }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PostAsync($"/api/leads/{id}/convert", null), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(
            await agent.PostAsJsonAsync($"/api/leads/{Guid.NewGuid()}/assign", new { owner_id = otherAgent }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Campaign_id_must_name_an_existing_campaign_and_is_read_only_afterwards()
    {
        using var agent = fixture.Agent();
        var tag = Guid.NewGuid().ToString("N");
        var id = Id(await CreateAsync(agent, new { name = "No campaign", company = tag }));

        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsJsonAsync("/api/leads", new { name = "Unknown campaign", campaign_id = Guid.NewGuid().ToString() }), "campaign_id");
        await ProblemAssert.NamesFieldsAsync(await agent.PatchAsJsonAsync($"/api/leads/{id}", new { campaign_id = "c-1" }), "campaign_id");
        var filtered = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads?q={tag}&campaign_id={Guid.NewGuid()}"), HttpStatusCode.OK);
        var all = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads?q={tag}"), HttpStatusCode.OK);

        Assert.Equal(0, filtered.GetProperty("total").GetInt32());
        Assert.Equal(1, all.GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("items")[0].GetProperty("campaign_id").ValueKind);
    }

    [Fact]
    public async Task Every_change_is_in_the_timeline()
    {
        using var agent = fixture.Agent();
        var id = Id(await CreateAsync(agent, new { name = "Historic", status = "qualified" }));

        await agent.PatchAsJsonAsync($"/api/leads/{id}", new { notes = "called" });
        await agent.PostAsJsonAsync($"/api/leads/{id}/assign", new { owner_id = fixture.AgentId }); // same owner: no change
        await agent.PostAsync($"/api/leads/{id}/convert", null);

        Assert.Equal(["converted", "updated", "created"], await ActionsAsync(agent, id));
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class LeadWorkflowTestsOnSqlite(SqliteApiFixture fixture) : LeadWorkflowTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class LeadWorkflowTestsOnMongo(MongoApiFixture fixture) : LeadWorkflowTests(fixture);
