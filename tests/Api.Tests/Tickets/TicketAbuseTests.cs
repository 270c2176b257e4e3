using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmChatbot.Tickets;

namespace CrmChatbot.Api.Tests.Tickets;

/// <summary>
/// Issue #12, findings 11, 12 and 19 over HTTP: a client cannot grow the ticket store without bound (quotas, sizes),
/// comments and the client timeline are paged by the store, and a client never sees staff-only ticket data.
/// </summary>
public abstract class TicketAbuseTests(ApiFixture fixture)
{
    private static readonly TicketQuotaOptions Quotas = new();

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response) => await ProblemAssert.JsonAsync(response, HttpStatusCode.OK);

    private static string Id(JsonElement ticket) => ticket.GetProperty("id").GetString()!;

    private async Task<(string Id, HttpClient Http)> NewClientAsync()
    {
        var (id, token) = await fixture.Factory.CreateUserAsync("client");
        return (id, fixture.Factory.ClientWithToken(token));
    }

    private static async Task<string> CreateAsync(HttpClient http, object body) =>
        Id(await ProblemAssert.JsonAsync(await http.PostAsJsonAsync("/api/tickets", body), HttpStatusCode.Created));

    private static void AssertRetryAfter(HttpResponseMessage response, int maxSeconds)
    {
        var retryAfter = response.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("no Retry-After header");
        Assert.InRange(retryAfter.TotalSeconds, 1, maxSeconds);
    }

    [Fact]
    public async Task Closing_and_reopening_past_the_client_quota_is_429_with_retry_after_and_the_history_stops_growing()
    {
        var (_, client) = await NewClientAsync();
        using var _ = client;
        var id = await CreateAsync(client, new { subject = "flapping" });
        for (var i = 0; i < Quotas.ClientStatusChangesPerDay; i++)
        {
            await OkAsync(await client.PostAsJsonAsync($"/api/tickets/{id}/status", new { status = i % 2 == 0 ? "closed" : "open" }));
        }

        var total = (await OkAsync(await client.GetAsync($"/api/tickets/{id}/timeline"))).GetProperty("total").GetInt32();
        using var refused = await client.PostAsJsonAsync($"/api/tickets/{id}/status", new { status = "closed" });
        using var refusedPut = await client.PutAsJsonAsync($"/api/tickets/{id}", new { status = "closed" });

        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
        await ProblemAssert.IsProblemAsync(refusedPut, HttpStatusCode.TooManyRequests);
        AssertRetryAfter(refused, 24 * 3600);
        Assert.Contains($"at most {Quotas.ClientStatusChangesPerDay} times a day", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(total, (await OkAsync(await client.GetAsync($"/api/tickets/{id}/timeline"))).GetProperty("total").GetInt32());
        // Staff are not held by the client quota.
        using var agent = fixture.Agent();
        await OkAsync(await agent.PostAsJsonAsync($"/api/tickets/{id}/status", new { status = "closed" }));
    }

    [Fact]
    public async Task Commenting_past_the_client_quota_is_429_with_retry_after()
    {
        var (_, client) = await NewClientAsync();
        using var _ = client;
        var id = await CreateAsync(client, new { subject = "chatty" });
        for (var i = 0; i < Quotas.ClientCommentsPerHour; i++)
        {
            await ProblemAssert.JsonAsync(await client.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = $"reply {i}" }), HttpStatusCode.Created);
        }

        using var refused = await client.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = "one more" });

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
        AssertRetryAfter(refused, 3600);
        Assert.Equal(Quotas.ClientCommentsPerHour, (await OkAsync(await client.GetAsync($"/api/tickets/{id}/comments?limit=1"))).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Opening_more_unresolved_tickets_than_the_client_quota_is_409()
    {
        var (clientId, client) = await NewClientAsync();
        using var _ = client;
        for (var i = 0; i < Quotas.MaxOpenTicketsPerClient; i++)
        {
            await CreateAsync(client, new { subject = $"ticket {i}" });
        }

        var problem = await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/tickets", new { subject = "one more" }), HttpStatusCode.Conflict);

        Assert.Contains($"{Quotas.MaxOpenTicketsPerClient} open tickets", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(Quotas.MaxOpenTicketsPerClient, (await OkAsync(await client.GetAsync("/api/tickets?limit=1"))).GetProperty("total").GetInt32());
        using var agent = fixture.Agent();
        await CreateAsync(agent, new { subject = "opened by staff", requester_id = clientId });
    }

    [Fact]
    public async Task Descriptions_and_comments_over_their_size_limit_are_422_naming_the_field_for_every_role()
    {
        var (_, client) = await NewClientAsync();
        using var _ = client;
        using var agent = fixture.Agent();
        var id = await CreateAsync(client, new { subject = "sizes" });
        foreach (var http in new[] { client, agent })
        {
            var create = await ProblemAssert.NamesFieldsAsync(
                await http.PostAsJsonAsync("/api/tickets", new { subject = "big", description = new string('d', TicketLimits.DescriptionMaxLength + 1) }), "description");
            await ProblemAssert.NamesFieldsAsync(
                await http.PutAsJsonAsync($"/api/tickets/{id}", new { description = new string('d', TicketLimits.DescriptionMaxLength + 1) }), "description");
            var comment = await ProblemAssert.NamesFieldsAsync(
                await http.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = new string('漢', TicketLimits.CommentMaxLength + 1) }), "body");

            Assert.Contains("10000", create.GetProperty("errors").GetProperty("description")[0].GetString(), StringComparison.Ordinal);
            Assert.Contains("5000", comment.GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
        }

        await ProblemAssert.JsonAsync(await client.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = new string('漢', TicketLimits.CommentMaxLength) }), HttpStatusCode.Created);
        Assert.Equal(1, (await OkAsync(await agent.GetAsync($"/api/tickets/{id}/comments"))).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Comments_are_listed_a_page_at_a_time_and_clients_page_through_public_ones_only()
    {
        var (clientId, client) = await NewClientAsync();
        using var _ = client;
        using var agent = fixture.Agent();
        var id = await CreateAsync(agent, new { subject = "paged comments", requester_id = clientId });
        for (var i = 1; i <= 5; i++)
        {
            await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = $"c{i}", @internal = i % 2 == 0 }), HttpStatusCode.Created);
        }

        var staffPage = await OkAsync(await agent.GetAsync($"/api/tickets/{id}/comments?limit=2&offset=1"));
        var clientPage = await OkAsync(await client.GetAsync($"/api/tickets/{id}/comments?limit=2&offset=1"));

        Assert.Equal(["c2", "c3"], staffPage.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("body").GetString()));
        Assert.Equal((5, 3), (staffPage.GetProperty("total").GetInt32(), staffPage.GetProperty("next").GetInt32()));
        Assert.Equal(["c3", "c5"], clientPage.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("body").GetString()));
        Assert.Equal((3, JsonValueKind.Null), (clientPage.GetProperty("total").GetInt32(), clientPage.GetProperty("next").ValueKind));
        await ProblemAssert.NamesFieldsAsync(await client.GetAsync($"/api/tickets/{id}/comments?limit=0&offset=-1"), "limit", "offset");
    }

    [Fact]
    public async Task A_client_never_sees_tags_the_assignee_or_sla_of_their_ticket_and_cannot_filter_by_them()
    {
        var (clientId, client) = await NewClientAsync();
        using var _ = client;
        using var agent = fixture.Agent();
        var created = await ProblemAssert.JsonAsync(await client.PostAsJsonAsync("/api/tickets", new { subject = "my ticket" }), HttpStatusCode.Created);
        var id = Id(created);
        var staffView = await OkAsync(await agent.PutAsJsonAsync($"/api/tickets/{id}", new { tags = new[] { "fraud-suspect" }, assignee_id = fixture.AgentId }));
        Assert.Equal("fraud-suspect", staffView.GetProperty("tags")[0].GetString());
        Assert.Equal(fixture.AgentId, staffView.GetProperty("assignee_id").GetString());

        var views = new[]
        {
            created,
            await OkAsync(await client.GetAsync($"/api/tickets/{id}")),
            (await OkAsync(await client.GetAsync("/api/tickets"))).GetProperty("items")[0],
            await OkAsync(await client.PutAsJsonAsync($"/api/tickets/{id}", new { description = "more" })),
            await OkAsync(await client.PostAsJsonAsync($"/api/tickets/{id}/status", new { status = "closed" })),
        };
        foreach (var view in views)
        {
            Assert.Equal(id, Id(view));
            foreach (var field in new[] { "tags", "assignee_id", "sla", "sla_breached" })
            {
                Assert.False(view.TryGetProperty(field, out var _), $"a client's ticket shows '{field}': {view}");
            }
        }

        Assert.DoesNotContain("fraud-suspect", (await client.GetStringAsync($"/api/tickets/{id}/timeline")), StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.AgentId, (await client.GetStringAsync($"/api/tickets/{id}/timeline")), StringComparison.Ordinal);
        await ProblemAssert.NamesFieldsAsync(await client.GetAsync("/api/tickets?tag=fraud-suspect&assignee_id=x&sla_breached=true"), "assignee_id", "sla_breached", "tag");
        Assert.Equal(1, (await OkAsync(await agent.GetAsync($"/api/tickets?tag=fraud-suspect&requester_id={clientId}"))).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_clients_timeline_has_gap_free_versions_and_no_staff_only_entries()
    {
        var (clientId, client) = await NewClientAsync();
        using var _ = client;
        using var agent = fixture.Agent();
        var id = await CreateAsync(agent, new { subject = "history", requester_id = clientId });
        await OkAsync(await agent.PutAsJsonAsync($"/api/tickets/{id}", new { assignee_id = fixture.AgentId }));
        await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = "internal", @internal = true }), HttpStatusCode.Created);
        await OkAsync(await agent.PutAsJsonAsync($"/api/tickets/{id}", new { tags = new[] { "vip" } }));
        await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = "public" }), HttpStatusCode.Created);
        await OkAsync(await agent.PostAsJsonAsync($"/api/tickets/{id}/status", new { status = "in_progress" }));

        var staff = await OkAsync(await agent.GetAsync($"/api/tickets/{id}/timeline"));
        var all = await OkAsync(await client.GetAsync($"/api/tickets/{id}/timeline"));
        var page = await OkAsync(await client.GetAsync($"/api/tickets/{id}/timeline?limit=1&offset=1"));

        Assert.Equal(6, staff.GetProperty("total").GetInt32());
        Assert.Equal(["status_changed", "commented", "created"], all.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal([3L, 2L, 1L], all.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
        Assert.Equal(3, all.GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("items")[0].GetProperty("version").GetInt64());
        Assert.Equal("commented", page.GetProperty("items")[0].GetProperty("action").GetString());
        var created = all.GetProperty("items")[2].GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("field").GetString()).ToList();
        Assert.Contains("subject", created);
        Assert.DoesNotContain("sla", created);
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class TicketAbuseTestsOnSqlite(SqliteApiFixture fixture) : TicketAbuseTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class TicketAbuseTestsOnMongo(MongoApiFixture fixture) : TicketAbuseTests(fixture);

/// <summary>The quota settings reach the ticket grains (a service of its own, with small quotas).</summary>
public sealed class TicketQuotaSettingTests : IDisposable
{
    private readonly CrmApiFactory _factory = new()
    {
        Settings = { ["TICKET_CLIENT_MAX_OPEN"] = "1", ["TICKET_CLIENT_COMMENTS_PER_HOUR"] = "2", ["TICKET_CLIENT_STATUS_CHANGES_PER_DAY"] = "1" },
    };

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Configured_quotas_are_the_ones_applied()
    {
        var (_, token) = await _factory.CreateUserAsync("client");
        using var client = _factory.ClientWithToken(token);
        var id = (await ProblemAssert.JsonAsync(await client.PostAsJsonAsync("/api/tickets", new { subject = "one" }), HttpStatusCode.Created)).GetProperty("id").GetString();

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/tickets", new { subject = "two" }), HttpStatusCode.Conflict);
        for (var i = 0; i < 2; i++)
        {
            await ProblemAssert.JsonAsync(await client.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = "hi" }), HttpStatusCode.Created);
        }

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync($"/api/tickets/{id}/comments", new { body = "hi" }), HttpStatusCode.TooManyRequests);
        await ProblemAssert.JsonAsync(await client.PostAsJsonAsync($"/api/tickets/{id}/status", new { status = "closed" }), HttpStatusCode.OK);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync($"/api/tickets/{id}/status", new { status = "open" }), HttpStatusCode.TooManyRequests);
    }
}
