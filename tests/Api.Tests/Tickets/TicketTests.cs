using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrmChatbot.Api.Tests.Tickets;

public abstract class TicketTests(ApiFixture fixture)
{
    private static async Task<JsonElement> CreateAsync(HttpClient http, object body) =>
        await ProblemAssert.JsonAsync(await http.PostAsJsonAsync("/api/tickets", body), HttpStatusCode.Created);

    private static async Task<JsonElement> GetAsync(HttpClient http, string path) =>
        await ProblemAssert.JsonAsync(await http.GetAsync(path), HttpStatusCode.OK);

    private static string Id(JsonElement ticket) => ticket.GetProperty("id").GetString()!;

    private static long Number(JsonElement ticket) => long.Parse(ticket.GetProperty("number").GetString()![2..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A fresh client: (id, http client).</summary>
    private async Task<(string Id, HttpClient Http)> NewClientAsync()
    {
        var (id, token) = await fixture.Factory.CreateUserAsync("client");
        return (id, fixture.Factory.ClientWithToken(token));
    }

    private static HttpRequestMessage WithIfMatch(HttpMethod method, string path, string etag, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        return request;
    }

    [Fact]
    public async Task Create_returns_201_with_number_defaults_etag_and_sla()
    {
        using var agent = fixture.Agent();
        var (clientId, client) = await NewClientAsync();
        using var _ = client;

        var response = await agent.PostAsJsonAsync("/api/tickets", new { subject = "VPN down", requester_id = clientId, tags = new[] { " VPN", "vpn", "Network" } });

        var ticket = await ProblemAssert.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal($"/api/tickets/{Id(ticket)}", response.Headers.Location?.OriginalString);
        Assert.Matches("^T-[0-9]+$", ticket.GetProperty("number").GetString());
        Assert.Equal("medium", ticket.GetProperty("priority").GetString());
        Assert.Equal("open", ticket.GetProperty("status").GetString());
        Assert.Equal(clientId, ticket.GetProperty("requester_id").GetString());
        Assert.Equal(["vpn", "network"], ticket.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var created = ticket.GetProperty("created_at").GetDateTime();
        Assert.Equal(created.AddHours(8), ticket.GetProperty("sla").GetProperty("first_response_due").GetDateTime());
        Assert.Equal(created.AddHours(72), ticket.GetProperty("sla").GetProperty("resolution_due").GetDateTime());
        Assert.False(ticket.GetProperty("sla_breached").GetBoolean());

        var byNumber = await agent.GetAsync($"/api/tickets/{ticket.GetProperty("number").GetString()}");
        Assert.Equal(ticket.ToString(), (await ProblemAssert.JsonAsync(byNumber, HttpStatusCode.OK)).ToString());
        Assert.Equal("\"1\"", byNumber.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/tickets/{Id(ticket)}")).StatusCode);
    }

    [Fact]
    public async Task Numbers_are_sequential_and_concurrent_creates_get_distinct_gap_free_numbers()
    {
        using var agent = fixture.Agent();
        var first = Number(await CreateAsync(agent, new { subject = "first" }));

        var tickets = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => CreateAsync(agent, new { subject = $"parallel {i}" })));

        Assert.Equal(Enumerable.Range(1, 12).Select(i => first + i), tickets.Select(Number).Order());
        Assert.Equal(1, (await GetAsync(agent, $"/api/tickets?number=T-{first + 3}")).GetProperty("total").GetInt32());
        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/tickets/T-99999999"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Validation_errors_name_the_fields()
    {
        using var agent = fixture.Agent();
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/tickets", new { description = "no subject" }), "subject");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/tickets", new { subject = "x", priority = "critical", tags = "one" }), "priority", "tags");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/tickets", new { subject = "x", status = "solved", number = "T-1" }), "number", "status");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/tickets", new { subject = "x", requester_id = "nobody", assignee_id = "nobody" }), "assignee_id", "requester_id");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/tickets", new { subject = " ", tags = new[] { new string('t', 41) } }), "subject", "tags");
        var (clientId, client) = await NewClientAsync();
        using var _ = client;
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/tickets", new { subject = "x", assignee_id = clientId }), "assignee_id");
        var id = Id(await CreateAsync(agent, new { subject = "valid" }));
        await ProblemAssert.NamesFieldsAsync(await agent.PutAsJsonAsync($"/api/tickets/{id}", new { requester_id = clientId, subject = 5 }), "requester_id", "subject");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = 5, @internal = "yes" }), "body", "internal");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = "  " }), "body");
        await ProblemAssert.NamesFieldsAsync(await agent.GetAsync("/api/tickets?priority=x&sla_breached=maybe&sort=name&number=abc"), "number", "priority", "sla_breached", "sort");
    }

    [Fact]
    public async Task Status_moves_follow_the_workflow_and_a_refused_move_is_409_naming_the_allowed_statuses()
    {
        using var agent = fixture.Agent();
        var id = Id(await CreateAsync(agent, new { subject = "workflow" }));

        var started = await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync($"/api/tickets/{id}/status", new { status = "in_progress" }), HttpStatusCode.OK);
        var resolved = await ProblemAssert.JsonAsync(await agent.PutAsJsonAsync($"/api/tickets/{id}", new { status = "resolved" }), HttpStatusCode.OK);
        var refused = await ProblemAssert.IsProblemAsync(await agent.PostAsJsonAsync($"/api/tickets/{id}/status", new { status = "waiting_on_customer" }), HttpStatusCode.Conflict);
        var closed = await ProblemAssert.JsonAsync(await agent.PatchAsJsonAsync($"/api/tickets/{id}", new { status = "closed" }), HttpStatusCode.OK);
        var reopened = await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync($"/api/tickets/{id}/status", new { status = "open" }), HttpStatusCode.OK);

        Assert.Equal("in_progress", started.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, resolved.GetProperty("resolved_at").ValueKind);
        Assert.Contains("allowed next statuses: closed, open", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, closed.GetProperty("closed_at").ValueKind);
        Assert.Equal("open", reopened.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("resolved_at").ValueKind);
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync($"/api/tickets/{id}/status", new { }), "status");
    }

    [Fact]
    public async Task If_match_guards_updates_status_changes_and_deletes()
    {
        using var agent = fixture.Agent();
        var id = Id(await CreateAsync(agent, new { subject = "etag" }));
        var updated = await agent.PutAsJsonAsync($"/api/tickets/{id}", new { priority = "high" });
        Assert.Equal("\"2\"", updated.Headers.ETag?.Tag);

        await ProblemAssert.IsProblemAsync(await agent.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/tickets/{id}", "\"1\"", new { subject = "stale" })), HttpStatusCode.PreconditionFailed);
        await ProblemAssert.IsProblemAsync(await agent.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/tickets/{id}/status", "\"1\"", new { status = "closed" })), HttpStatusCode.PreconditionFailed);
        await ProblemAssert.IsProblemAsync(await agent.SendAsync(WithIfMatch(HttpMethod.Delete, $"/api/tickets/{id}", "\"1\"")), HttpStatusCode.PreconditionFailed);
        var current = await agent.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/tickets/{id}/status", "\"2\"", new { status = "in_progress" }));
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal("\"3\"", current.Headers.ETag?.Tag);
        Assert.Equal("etag", (await GetAsync(agent, $"/api/tickets/{id}")).GetProperty("subject").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await agent.SendAsync(WithIfMatch(HttpMethod.Delete, $"/api/tickets/{id}", "\"3\""))).StatusCode);
        await ProblemAssert.IsProblemAsync(await agent.GetAsync($"/api/tickets/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Clients_see_only_their_own_tickets_and_others_are_404()
    {
        using var agent = fixture.Agent();
        var (aliceId, alice) = await NewClientAsync();
        var (_, bob) = await NewClientAsync();
        using var a = alice;
        using var b = bob;
        var own = await CreateAsync(alice, new { subject = "alice's", priority = "high" });
        var onBehalf = await CreateAsync(agent, new { subject = "for alice", requester_id = aliceId });
        var others = await CreateAsync(agent, new { subject = "not alice's" });

        Assert.Equal(aliceId, own.GetProperty("requester_id").GetString());
        Assert.Equal("high", own.GetProperty("priority").GetString());
        var list = await GetAsync(alice, "/api/tickets");
        Assert.Equal([Id(onBehalf), Id(own)], list.GetProperty("items").EnumerateArray().Select(Id));
        Assert.Equal(0, (await GetAsync(alice, $"/api/tickets?requester_id={fixture.AgentId}")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await GetAsync(bob, "/api/tickets")).GetProperty("total").GetInt32());

        foreach (var (caller, path) in new[]
        {
            (alice, $"/api/tickets/{Id(others)}"), (bob, $"/api/tickets/{Id(own)}/comments"), (bob, $"/api/tickets/{Id(own)}/timeline"),
        })
        {
            await ProblemAssert.IsProblemAsync(await caller.GetAsync(path), HttpStatusCode.NotFound);
        }

        // Looked up by number, the 404 names the number only: the id behind it is not revealed.
        var byNumber = await ProblemAssert.IsProblemAsync(await alice.GetAsync($"/api/tickets/{others.GetProperty("number").GetString()}"), HttpStatusCode.NotFound);
        Assert.DoesNotContain(Id(others), byNumber.ToString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await bob.PutAsJsonAsync($"/api/tickets/{Id(own)}", new { subject = "mine now" }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await bob.PostAsJsonAsync($"/api/tickets/{Id(own)}/comments", new { body = "hi" }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await bob.DeleteAsync($"/api/tickets/{Id(own)}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await alice.PostAsJsonAsync($"/api/tickets/{Id(others)}/status", new { status = "closed" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Clients_may_close_and_reopen_but_not_set_staff_fields_or_other_statuses()
    {
        var (clientId, client) = await NewClientAsync();
        using var _ = client;
        var id = Id(await CreateAsync(client, new { subject = "mine" }));

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/tickets", new { subject = "x", requester_id = fixture.AgentId }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/tickets", new { subject = "x", assignee_id = fixture.AgentId }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PutAsJsonAsync($"/api/tickets/{id}", new { priority = "urgent" }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PutAsJsonAsync($"/api/tickets/{id}", new { tags = new[] { "x" } }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PutAsJsonAsync($"/api/tickets/{id}", new { assignee_id = fixture.AgentId }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync($"/api/tickets/{id}/status", new { status = "resolved" }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.DeleteAsync($"/api/tickets/{id}"), HttpStatusCode.Forbidden);

        var edited = await ProblemAssert.JsonAsync(await client.PutAsJsonAsync($"/api/tickets/{id}", new { description = "more detail" }), HttpStatusCode.OK);
        var closed = await ProblemAssert.JsonAsync(await client.PostAsJsonAsync($"/api/tickets/{id}/status", new { status = "closed" }), HttpStatusCode.OK);
        var reopened = await ProblemAssert.JsonAsync(await client.PutAsJsonAsync($"/api/tickets/{id}", new { status = "open" }), HttpStatusCode.OK);

        Assert.Equal("more detail", edited.GetProperty("description").GetString());
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Equal("open", reopened.GetProperty("status").GetString());
        Assert.Equal(clientId, reopened.GetProperty("requester_id").GetString());
    }

    [Fact]
    public async Task Staff_create_tickets_in_any_status_recorded_in_the_timeline()
    {
        using var agent = fixture.Agent();
        var (clientId, client) = await NewClientAsync();
        using var _ = client;

        var resolved = await CreateAsync(agent, new { subject = "fixed on the phone", requester_id = clientId, status = "resolved" });
        var closed = await CreateAsync(agent, new { subject = "duplicate", status = "closed" });
        var waiting = await CreateAsync(agent, new { subject = "need logs", status = "waiting_on_customer" });
        var open = await CreateAsync(agent, new { subject = "explicitly open", status = "open" });
        var defaulted = await CreateAsync(agent, new { subject = "status null is the default", status = (string?)null });

        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.Equal(resolved.GetProperty("created_at").GetDateTime(), resolved.GetProperty("resolved_at").GetDateTime());
        Assert.Equal(JsonValueKind.Null, resolved.GetProperty("closed_at").ValueKind);
        Assert.False(resolved.GetProperty("sla_breached").GetBoolean());
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Equal(closed.GetProperty("created_at").GetDateTime(), closed.GetProperty("closed_at").GetDateTime());
        Assert.Equal("waiting_on_customer", waiting.GetProperty("status").GetString());
        Assert.Equal("open", open.GetProperty("status").GetString());
        Assert.Equal("open", defaulted.GetProperty("status").GetString());

        foreach (var (ticket, viewer) in new[] { (resolved, agent), (resolved, client) })
        {
            var entry = (await GetAsync(viewer, $"/api/tickets/{Id(ticket)}/timeline")).GetProperty("items").EnumerateArray().Single();
            Assert.Equal("created", entry.GetProperty("action").GetString());
            Assert.Equal("created with status resolved", entry.GetProperty("note").GetString());
            Assert.Contains(entry.GetProperty("changes").EnumerateArray(),
                c => c.GetProperty("field").GetString() == "status" && c.GetProperty("to").GetString() == "resolved");
        }

        // A ticket that starts resolved moves on by the workflow like any other.
        await ProblemAssert.IsProblemAsync(await agent.PostAsJsonAsync($"/api/tickets/{Id(resolved)}/status", new { status = "in_progress" }), HttpStatusCode.Conflict);
        var reopened = await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync($"/api/tickets/{Id(resolved)}/status", new { status = "open" }), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("resolved_at").ValueKind);
    }

    [Fact]
    public async Task Clients_create_tickets_open_only_and_any_other_status_creates_nothing()
    {
        var (_, client) = await NewClientAsync();
        using var __ = client;

        var open = await CreateAsync(client, new { subject = "as the original client sends it", description = "d", priority = "high", status = "open" });
        Assert.Equal("open", open.GetProperty("status").GetString());

        foreach (var status in new[] { "in_progress", "waiting_on_customer", "resolved", "closed" })
        {
            var refused = await ProblemAssert.IsProblemAsync(
                await client.PostAsJsonAsync("/api/tickets", new { subject = "x", status }), HttpStatusCode.Forbidden);
            Assert.Contains("status open only", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await ProblemAssert.NamesFieldsAsync(await client.PostAsJsonAsync("/api/tickets", new { subject = "x", status = "done" }), "status");
        await ProblemAssert.NamesFieldsAsync(await client.PostAsJsonAsync("/api/tickets", new { subject = "x", status = 1 }), "status");

        var mine = await GetAsync(client, "/api/tickets");
        Assert.Equal([Id(open)], mine.GetProperty("items").EnumerateArray().Select(Id));
    }

    [Fact]
    public async Task Comments_internal_notes_are_hidden_from_clients_everywhere()
    {
        using var agent = fixture.Agent();
        var (clientId, client) = await NewClientAsync();
        using var _ = client;
        var id = Id(await CreateAsync(agent, new { subject = "comments", requester_id = clientId }));
        await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync($"/api/tickets/{id}/status", new { status = "waiting_on_customer" }), HttpStatusCode.OK);

        var note = await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = "SECRET customer is difficult", @internal = true }), HttpStatusCode.Created);
        await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = "We are looking into it" }), HttpStatusCode.Created);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = "sneaky", @internal = true }), HttpStatusCode.Forbidden);
        await ProblemAssert.JsonAsync(await client.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = "Thanks, here are the logs" }), HttpStatusCode.Created);

        Assert.True(note.GetProperty("internal").GetBoolean());
        var staffComments = await GetAsync(agent, $"/api/tickets/{id}/comments");
        var clientComments = await GetAsync(client, $"/api/tickets/{id}/comments");
        Assert.Equal(3, staffComments.GetProperty("items").GetArrayLength());
        Assert.Equal(["We are looking into it", "Thanks, here are the logs"], clientComments.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("body").GetString()));

        var ticket = await GetAsync(agent, $"/api/tickets/{id}");
        Assert.Equal("open", ticket.GetProperty("status").GetString()); // the client's reply moved it back from waiting
        Assert.NotEqual(JsonValueKind.Null, ticket.GetProperty("first_response_at").ValueKind);

        var staffTimeline = await GetAsync(agent, $"/api/tickets/{id}/timeline");
        var clientTimeline = await GetAsync(client, $"/api/tickets/{id}/timeline?limit=2&offset=1");
        var clientAll = await GetAsync(client, $"/api/tickets/{id}/timeline");
        Assert.Contains("internal_note", staffTimeline.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(staffTimeline.GetProperty("total").GetInt32() - 1, clientAll.GetProperty("total").GetInt32());
        Assert.DoesNotContain("SECRET", clientAll.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", clientComments.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, clientTimeline.GetProperty("items").GetArrayLength());
        // The client's reply carries its status change (waiting_on_customer -> open) in the same entry.
        Assert.Equal(["commented", "commented", "status_changed", "created"],
            clientAll.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Contains(clientAll.GetProperty("items")[0].GetProperty("changes").EnumerateArray(),
            c => c.GetProperty("field").GetString() == "status" && c.GetProperty("to").GetString() == "open");
        var excerpt = staffTimeline.GetProperty("items").EnumerateArray().First(e => e.GetProperty("action").GetString() == "internal_note");
        Assert.Equal("SECRET customer is difficult", excerpt.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Timeline_records_updates_assignment_and_status_changes_by_number()
    {
        using var agent = fixture.Agent();
        var ticket = await CreateAsync(agent, new { subject = "history" });
        var number = ticket.GetProperty("number").GetString();

        await ProblemAssert.JsonAsync(await agent.PutAsJsonAsync($"/api/tickets/{number}", new { subject = "history 2" }), HttpStatusCode.OK);
        await ProblemAssert.JsonAsync(await agent.PutAsJsonAsync($"/api/tickets/{number}", new { assignee_id = fixture.AgentId }), HttpStatusCode.OK);
        await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync($"/api/tickets/{number}/status", new { status = "in_progress" }), HttpStatusCode.OK);
        await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync($"/api/tickets/{number}/comments", new { body = new string('b', 150) }), HttpStatusCode.Created);

        var timeline = await GetAsync(agent, $"/api/tickets/{number}/timeline");
        var items = timeline.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["commented", "status_changed", "assigned", "updated", "created"], items.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(100, items[0].GetProperty("note").GetString()!.Length);
        Assert.Contains(items[3].GetProperty("changes").EnumerateArray(), c => c.GetProperty("field").GetString() == "subject" && c.GetProperty("to").GetString() == "history 2");
        Assert.Equal(fixture.AgentId, (await GetAsync(agent, $"/api/tickets/{number}")).GetProperty("assignee_id").GetString());
    }

    [Fact]
    public async Task The_list_filters_sorts_and_pages()
    {
        using var agent = fixture.Agent();
        var (clientId, client) = await NewClientAsync();
        using var _ = client;
        var tag = "t" + Guid.NewGuid().ToString("N")[..12];
        var specs = new (string Subject, string Priority, bool Assigned, bool Requested)[]
        {
            ("alpha", "low", false, true),
            ("bravo", "urgent", true, false),
            ("charlie", "high", true, true),
            ("delta", "medium", false, false),
        };
        var ids = new List<string>();
        foreach (var s in specs)
        {
            ids.Add(Id(await CreateAsync(agent, new
            {
                subject = $"{s.Subject} {tag}",
                priority = s.Priority,
                assignee_id = s.Assigned ? fixture.AgentId : null,
                requester_id = s.Requested ? clientId : null,
                tags = new[] { tag, s.Subject },
            })));
        }

        await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync($"/api/tickets/{ids[3]}/status", new { status = "resolved" }), HttpStatusCode.OK);

        async Task<string[]> Subjects(string query)
        {
            var page = await GetAsync(agent, $"/api/tickets?tag={tag}&{query}");
            return [.. page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("subject").GetString()!.Split(' ')[0])];
        }

        Assert.Equal(["alpha", "bravo", "charlie", "delta"], await Subjects("sort=created_at"));
        Assert.Equal(["delta", "charlie", "bravo", "alpha"], await Subjects(""));
        Assert.Equal(["bravo", "charlie", "delta", "alpha"], await Subjects("sort=-priority"));
        Assert.Equal(["alpha", "delta", "charlie", "bravo"], await Subjects("sort=priority"));
        Assert.Equal(["delta", "charlie", "bravo", "alpha"], await Subjects("sort=-number"));
        Assert.Equal(["delta"], await Subjects("sort=-updated_at&limit=1"));
        Assert.Equal(["delta"], await Subjects("status=resolved"));
        Assert.Equal(["bravo"], await Subjects("priority=urgent"));
        Assert.Equal(["bravo", "charlie"], await Subjects($"assignee_id={fixture.AgentId}&sort=created_at"));
        Assert.Equal(["alpha", "charlie"], await Subjects($"requester_id={clientId}&sort=created_at"));
        Assert.Equal(["charlie"], (await GetAsync(agent, $"/api/tickets?tag=CHARLIE&q={tag}")).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("subject").GetString()!.Split(' ')[0]));
        Assert.Equal(["bravo"], await Subjects("q=BRAVO"));
        Assert.Equal(["alpha"], await Subjects($"q={(await GetAsync(agent, $"/api/tickets/{ids[0]}")).GetProperty("number").GetString()}"));
        Assert.Empty(await Subjects("sla_breached=true"));
        Assert.Equal(4, (await Subjects("sla_breached=false")).Length);

        var page = await GetAsync(agent, $"/api/tickets?tag={tag}&sort=created_at&limit=3");
        Assert.Equal(4, page.GetProperty("total").GetInt32());
        Assert.Equal(3, page.GetProperty("next").GetInt32());
        var last = await GetAsync(agent, $"/api/tickets?tag={tag}&sort=created_at&limit=3&offset=3");
        Assert.Equal(JsonValueKind.Null, last.GetProperty("next").ValueKind);
        Assert.Equal(["alpha", "charlie"], (await GetAsync(client, $"/api/tickets?q={tag}&sort=created_at")).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("subject").GetString()!.Split(' ')[0]));
    }

    [Fact]
    public async Task Anonymous_callers_get_401()
    {
        using var anonymous = fixture.Anonymous();
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync("/api/tickets"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await anonymous.PostAsJsonAsync("/api/tickets", new { subject = "x" }), HttpStatusCode.Unauthorized);
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class TicketTestsOnSqlite(SqliteApiFixture fixture) : TicketTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class TicketTestsOnMongo(MongoApiFixture fixture) : TicketTests(fixture);
