using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CrmChatbot.Api.Tests.Campaigns;

public abstract class CampaignTests(ApiFixture fixture)
{
    private static async Task<JsonElement> CreateAsync(HttpClient http, object body) =>
        await ProblemAssert.JsonAsync(await http.PostAsJsonAsync("/api/campaigns", body), HttpStatusCode.Created);

    private static async Task<string> CreateIdAsync(HttpClient http, object body) =>
        (await CreateAsync(http, body)).GetProperty("id").GetString()!;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static HttpRequestMessage WithIfMatch(HttpMethod method, string url, string etag, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        return request;
    }

    [Fact]
    public async Task Create_returns_201_with_defaults_etag_and_computed_rates()
    {
        using var admin = fixture.Admin();

        var response = await admin.PostAsJsonAsync("/api/campaigns", new
        {
            name = "Spring launch", type = "newsletter", budget = 2500.75, start_date = "2026-03-01", end_date = "2026-03-31",
            target_audience = "Existing customers", description = "Quarterly",
        });

        var campaign = await ProblemAssert.JsonAsync(response, HttpStatusCode.Created);
        var id = campaign.GetProperty("id").GetString();
        Assert.Equal($"/api/campaigns/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.ToString());
        Assert.Equal("newsletter", campaign.GetProperty("type").GetString());
        Assert.Equal("draft", campaign.GetProperty("status").GetString());
        Assert.Equal(2500.75m, campaign.GetProperty("budget").GetDecimal());
        Assert.Equal(0m, campaign.GetProperty("actual_cost").GetDecimal());
        Assert.Equal("2026-03-01", campaign.GetProperty("start_date").GetString());
        Assert.Equal("2026-03-31", campaign.GetProperty("end_date").GetString());
        var metrics = campaign.GetProperty("metrics");
        Assert.Equal(0, metrics.GetProperty("sent").GetInt64());
        Assert.Equal(0, metrics.GetProperty("leads_created").GetInt64());
        foreach (var rate in new[] { "open_rate", "click_rate", "conversion_rate", "cost_per_lead", "roi" })
        {
            Assert.Equal(JsonValueKind.Null, metrics.GetProperty(rate).ValueKind);
        }

        var read = await admin.GetAsync($"/api/campaigns/{id}");
        Assert.Equal("\"1\"", read.Headers.ETag?.ToString());
        Assert.Equal(campaign.ToString(), (await ProblemAssert.JsonAsync(read, HttpStatusCode.OK)).ToString());
    }

    [Fact]
    public async Task Put_and_patch_are_partial_and_null_clears_a_date()
    {
        using var admin = fixture.Admin();
        var id = await CreateIdAsync(admin, new { name = "Partial", budget = 100, start_date = "2026-01-01", end_date = "2026-02-01" });

        var put = await ProblemAssert.JsonAsync(await admin.PutAsJsonAsync($"/api/campaigns/{id}", new { actual_cost = 40.5, end_date = (string?)null }), HttpStatusCode.OK);
        var patch = await ProblemAssert.JsonAsync(await admin.PatchAsJsonAsync($"/api/campaigns/{id}", new { name = "Renamed" }), HttpStatusCode.OK);

        Assert.Equal(40.5m, put.GetProperty("actual_cost").GetDecimal());
        Assert.Equal(100m, put.GetProperty("budget").GetDecimal());
        Assert.Equal(JsonValueKind.Null, put.GetProperty("end_date").ValueKind);
        Assert.Equal("2026-01-01", put.GetProperty("start_date").GetString());
        Assert.Equal("Renamed", patch.GetProperty("name").GetString());
        Assert.Equal(40.5m, patch.GetProperty("actual_cost").GetDecimal());
        Assert.Equal(3, patch.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Amounts_and_dates_are_validated_by_name()
    {
        using var admin = fixture.Admin();
        var id = await CreateIdAsync(admin, new { name = "Valid", start_date = "2026-05-10" });

        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", budget = 10.005 }), "budget");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", actual_cost = -1 }), "actual_cost");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", budget = "100" }), "budget");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", budget = (decimal?)null }), "budget");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsync("/api/campaigns", Json("""{"name":"x","budget":1e400}""")), "budget");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", start_date = "01/03/2026" }), "start_date");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", start_date = "2026-02-30" }), "start_date");
        await ProblemAssert.NamesFieldsAsync(
            await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", start_date = "2026-03-02", end_date = "2026-03-01" }), "end_date");
        await ProblemAssert.NamesFieldsAsync(await admin.PutAsJsonAsync($"/api/campaigns/{id}", new { end_date = "2026-05-09" }), "end_date");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", type = "radio" }), "type");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", metrics = new { sent = 1, views = 2 } }), "metrics.views");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", metrics = new { sent = -1, revenue = 1.001 } }), "metrics.revenue", "metrics.sent");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", metrics = new { opened = "7" } }), "metrics.opened");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", metrics = 5 }), "metrics");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/campaigns", new { budget = 1 }), "name");

        var sameDay = await ProblemAssert.JsonAsync(await admin.PutAsJsonAsync($"/api/campaigns/{id}", new { end_date = "2026-05-10", budget = 0.1 }), HttpStatusCode.OK);
        Assert.Equal("2026-05-10", sameDay.GetProperty("end_date").GetString());
        Assert.Equal(2, sameDay.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Status_moves_through_the_workflow_and_refusals_name_the_allowed_ones()
    {
        using var admin = fixture.Admin();
        var id = await CreateIdAsync(admin, new { name = "Workflow" });

        var scheduled = await ProblemAssert.JsonAsync(
            await admin.PostAsJsonAsync($"/api/campaigns/{id}/status", new { status = "scheduled", note = "booked" }), HttpStatusCode.OK);
        var refused = await ProblemAssert.IsProblemAsync(
            await admin.PostAsJsonAsync($"/api/campaigns/{id}/status", new { status = "completed" }), HttpStatusCode.Conflict);
        var active = await ProblemAssert.JsonAsync(await admin.PutAsJsonAsync($"/api/campaigns/{id}", new { status = "active" }), HttpStatusCode.OK);
        await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync($"/api/campaigns/{id}/status", new { status = "paused" }), HttpStatusCode.OK);
        await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync($"/api/campaigns/{id}/status", new { status = "completed" }), HttpStatusCode.OK);
        var final = await ProblemAssert.IsProblemAsync(await admin.PutAsJsonAsync($"/api/campaigns/{id}", new { status = "active" }), HttpStatusCode.Conflict);

        Assert.Equal("scheduled", scheduled.GetProperty("status").GetString());
        Assert.Contains("allowed from scheduled: active, draft", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("active", active.GetProperty("status").GetString());
        Assert.Contains("allowed from completed: none", final.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync("/api/campaigns", new { name = "x", status = "paused" }), HttpStatusCode.Conflict);
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync($"/api/campaigns/{id}/status", new { }), "status");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync($"/api/campaigns/{id}/status", new { status = "done" }), "status");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync($"/api/campaigns/{id}/status", new { status = "draft", reason = "x" }), "reason");
        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync("/api/campaigns/unknown-id/status", new { status = "active" }), HttpStatusCode.NotFound);
        var read = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/campaigns/{id}"), HttpStatusCode.OK);
        Assert.Equal("completed", read.GetProperty("status").GetString());
        Assert.Equal(5, read.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Two_hundred_concurrent_metric_posts_sum_exactly_and_rates_follow()
    {
        using var admin = fixture.Admin();
        var id = await CreateIdAsync(admin, new { name = "Busy", actual_cost = 50 });

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var http = fixture.Admin();
            return (await http.PostAsJsonAsync($"/api/campaigns/{id}/metrics",
                new { sent = 10, delivered = 8, opened = i % 4 == 0 ? 2 : 1, clicked = i % 2, converted = i % 10 == 0 ? 1 : 0, revenue = 0.55 })).StatusCode;
        }));

        Assert.All(responses, s => Assert.Equal(HttpStatusCode.OK, s));
        var read = await admin.GetAsync($"/api/campaigns/{id}");
        var metrics = (await ProblemAssert.JsonAsync(read, HttpStatusCode.OK)).GetProperty("metrics");
        Assert.Equal("\"201\"", read.Headers.ETag?.ToString());
        Assert.Equal(2000, metrics.GetProperty("sent").GetInt64());
        Assert.Equal(1600, metrics.GetProperty("delivered").GetInt64());
        Assert.Equal(250, metrics.GetProperty("opened").GetInt64());
        Assert.Equal(100, metrics.GetProperty("clicked").GetInt64());
        Assert.Equal(20, metrics.GetProperty("converted").GetInt64());
        Assert.Equal(110m, metrics.GetProperty("revenue").GetDecimal());
        Assert.Equal(0.1563m, metrics.GetProperty("open_rate").GetDecimal()); // 250/1600
        Assert.Equal(0.0625m, metrics.GetProperty("click_rate").GetDecimal()); // 100/1600 (clicked/delivered)
        Assert.Equal(0.2m, metrics.GetProperty("conversion_rate").GetDecimal()); // 20/100 (converted/clicked)
        Assert.Equal(1.2m, metrics.GetProperty("roi").GetDecimal()); // (110-50)/50
        Assert.Equal(JsonValueKind.Null, metrics.GetProperty("cost_per_lead").ValueKind); // no leads yet
    }

    [Fact]
    public async Task A_retried_metric_post_with_the_same_idempotency_key_counts_once()
    {
        using var admin = fixture.Admin();
        var id = await CreateIdAsync(admin, new { name = "Retried" });
        var key = Guid.NewGuid().ToString();

        HttpRequestMessage Post() => new(HttpMethod.Post, $"/api/campaigns/{id}/metrics")
        {
            Content = JsonContent.Create(new { sent = 5 }),
            Headers = { { "Idempotency-Key", key } },
        };

        var first = await admin.SendAsync(Post());
        var retry = await admin.SendAsync(Post());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        var read = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/campaigns/{id}"), HttpStatusCode.OK);
        Assert.Equal(5, read.GetProperty("metrics").GetProperty("sent").GetInt64());
    }

    [Fact]
    public async Task Metrics_in_a_create_or_update_body_set_the_counters_as_the_original_api_did()
    {
        using var admin = fixture.Admin();
        var created = await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync("/api/campaigns", new
        {
            name = "Original metrics", type = "email", status = "draft", metrics = new { sent = 100, delivered = 90, opened = 45, revenue = 12.5 },
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString();
        var metrics = created.GetProperty("metrics");
        Assert.Equal((100, 90, 45, 0, 12.5m), (metrics.GetProperty("sent").GetInt64(), metrics.GetProperty("delivered").GetInt64(),
            metrics.GetProperty("opened").GetInt64(), metrics.GetProperty("clicked").GetInt64(), metrics.GetProperty("revenue").GetDecimal()));
        Assert.Equal(0.5m, metrics.GetProperty("open_rate").GetDecimal());

        // A lead counts toward leads_created; sending a read's metrics back (with leads_created and the rates) keeps that count.
        await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync("/api/leads", new { name = "From the campaign", campaign_id = id }), HttpStatusCode.Created);
        var read = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/campaigns/{id}"), HttpStatusCode.OK);
        var echoed = System.Text.Json.Nodes.JsonNode.Parse(read.GetProperty("metrics").GetRawText())!.AsObject();
        echoed["clicked"] = 9;
        echoed["leads_created"] = 999;
        var updated = await ProblemAssert.JsonAsync(await admin.PutAsJsonAsync($"/api/campaigns/{id}", new { metrics = echoed }), HttpStatusCode.OK);
        Assert.Equal((100, 9, 1), (updated.GetProperty("metrics").GetProperty("sent").GetInt64(),
            updated.GetProperty("metrics").GetProperty("clicked").GetInt64(), updated.GetProperty("metrics").GetProperty("leads_created").GetInt64()));

        // The object replaces the hand-kept counters, as the original's PUT replaced the field.
        var replaced = await ProblemAssert.JsonAsync(await admin.PutAsJsonAsync($"/api/campaigns/{id}", new { metrics = new { sent = 7 } }), HttpStatusCode.OK);
        Assert.Equal((7, 0, 0m, 1), (replaced.GetProperty("metrics").GetProperty("sent").GetInt64(), replaced.GetProperty("metrics").GetProperty("opened").GetInt64(),
            replaced.GetProperty("metrics").GetProperty("revenue").GetDecimal(), replaced.GetProperty("metrics").GetProperty("leads_created").GetInt64()));
        var timeline = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/campaigns/{id}/timeline"), HttpStatusCode.OK);
        Assert.Equal("updated", timeline.GetProperty("items")[0].GetProperty("action").GetString());

        await ProblemAssert.NamesFieldsAsync(await admin.PutAsJsonAsync($"/api/campaigns/{id}", new { metrics = new { bounced = -3 } }), "metrics.bounced");
        using var agent = fixture.Agent();
        await ProblemAssert.IsProblemAsync(await agent.PutAsJsonAsync($"/api/campaigns/{id}", new { metrics = new { sent = 1 } }), HttpStatusCode.Forbidden);
        Assert.Equal(7, (await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/campaigns/{id}"), HttpStatusCode.OK)).GetProperty("metrics").GetProperty("sent").GetInt64());
    }

    [Fact]
    public async Task Metric_bodies_are_refused_by_field_name()
    {
        using var admin = fixture.Admin();
        var id = await CreateIdAsync(admin, new { name = "Strict metrics" });
        var url = $"/api/campaigns/{id}/metrics";

        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync(url, new { sent = 1, views = 3 }), "views");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync(url, new { leads_created = 1 }), "leads_created");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync(url, new { opened = -1 }), "opened");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync(url, new { clicked = 1.5 }), "clicked");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync(url, new { sent = "5" }), "sent");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync(url, new { revenue = 1.001 }), "revenue");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync(url, new { revenue = -2 }), "revenue");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync(url, new { }), "metrics");
        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync("/api/campaigns/no-such-campaign/metrics", new { sent = 1 }), HttpStatusCode.NotFound);

        var read = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/campaigns/{id}"), HttpStatusCode.OK);
        Assert.Equal(1, read.GetProperty("version").GetInt64()); // nothing refused was applied
    }

    [Fact]
    public async Task The_timeline_records_every_kind_of_change()
    {
        using var admin = fixture.Admin();
        using var agent = fixture.Agent();
        var id = await CreateIdAsync(admin, new { name = "History" });
        await admin.PutAsJsonAsync($"/api/campaigns/{id}", new { budget = 10 });
        await admin.PostAsJsonAsync($"/api/campaigns/{id}/status", new { status = "active", note = "go live" });
        await admin.PostAsJsonAsync($"/api/campaigns/{id}/metrics", new { sent = 100, revenue = 12.50 });

        var page = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/campaigns/{id}/timeline"), HttpStatusCode.OK);

        var items = page.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(new[] { "metrics_added", "status_changed", "updated", "created" }, items.Select(e => e.GetProperty("action").GetString()));
        var metrics = items[0].GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("field").GetString()!);
        Assert.Equal(0, metrics["metrics.sent"].GetProperty("from").GetInt64());
        Assert.Equal(100, metrics["metrics.sent"].GetProperty("to").GetInt64());
        Assert.Equal(12.50m, metrics["metrics.revenue"].GetProperty("to").GetDecimal());
        Assert.Equal(2, metrics.Count);
        var status = items[1].GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("field").GetString() == "status");
        Assert.Equal("draft", status.GetProperty("from").GetString());
        Assert.Equal("active", status.GetProperty("to").GetString());
        Assert.Equal("go live", items[1].GetProperty("note").GetString());
        var budget = items[2].GetProperty("changes").EnumerateArray().Single();
        Assert.Equal("budget", budget.GetProperty("field").GetString());
        Assert.Equal(10m, budget.GetProperty("to").GetDecimal());
        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/campaigns/nope/timeline"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Stale_if_match_is_412_on_every_write_and_a_current_one_succeeds()
    {
        using var admin = fixture.Admin();
        var id = await CreateIdAsync(admin, new { name = "Versions" });
        var url = $"/api/campaigns/{id}";

        await ProblemAssert.IsProblemAsync(await admin.SendAsync(WithIfMatch(HttpMethod.Put, url, "\"9\"", new { name = "a" })), HttpStatusCode.PreconditionFailed);
        await ProblemAssert.IsProblemAsync(await admin.SendAsync(WithIfMatch(HttpMethod.Patch, url, "\"9\"", new { name = "a" })), HttpStatusCode.PreconditionFailed);
        await ProblemAssert.IsProblemAsync(
            await admin.SendAsync(WithIfMatch(HttpMethod.Post, $"{url}/status", "\"9\"", new { status = "active" })), HttpStatusCode.PreconditionFailed);
        await ProblemAssert.IsProblemAsync(await admin.SendAsync(WithIfMatch(HttpMethod.Delete, url, "\"9\"")), HttpStatusCode.PreconditionFailed);

        var put = await admin.SendAsync(WithIfMatch(HttpMethod.Put, url, "\"1\"", new { name = "b" }));
        Assert.Equal("\"2\"", put.Headers.ETag?.ToString());
        var status = await admin.SendAsync(WithIfMatch(HttpMethod.Post, $"{url}/status", "\"2\"", new { status = "active" }));
        Assert.Equal("\"3\"", status.Headers.ETag?.ToString());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.SendAsync(WithIfMatch(HttpMethod.Delete, url, "\"3\""))).StatusCode);
        await ProblemAssert.IsProblemAsync(await admin.GetAsync(url), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Agents_read_only_clients_get_403_and_anonymous_401()
    {
        using var admin = fixture.Admin();
        using var agent = fixture.Agent();
        using var client = fixture.Client();
        using var anonymous = fixture.Anonymous();
        var id = await CreateIdAsync(admin, new { name = "Access" });
        var url = $"/api/campaigns/{id}";

        foreach (var read in new[] { "/api/campaigns", url, $"{url}/leads", $"{url}/timeline" })
        {
            Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync(read)).StatusCode);
            await ProblemAssert.IsProblemAsync(await client.GetAsync(read), HttpStatusCode.Forbidden);
            await ProblemAssert.IsProblemAsync(await anonymous.GetAsync(read), HttpStatusCode.Unauthorized);
        }

        foreach (var http in new[] { agent, client })
        {
            await ProblemAssert.IsProblemAsync(await http.PostAsJsonAsync("/api/campaigns", new { name = "x" }), HttpStatusCode.Forbidden);
            await ProblemAssert.IsProblemAsync(await http.PutAsJsonAsync(url, new { name = "x" }), HttpStatusCode.Forbidden);
            await ProblemAssert.IsProblemAsync(await http.PatchAsJsonAsync(url, new { name = "x" }), HttpStatusCode.Forbidden);
            await ProblemAssert.IsProblemAsync(await http.PostAsJsonAsync($"{url}/status", new { status = "active" }), HttpStatusCode.Forbidden);
            await ProblemAssert.IsProblemAsync(await http.PostAsJsonAsync($"{url}/metrics", new { sent = 1 }), HttpStatusCode.Forbidden);
            await ProblemAssert.IsProblemAsync(await http.DeleteAsync(url), HttpStatusCode.Forbidden);
        }

        var unchanged = await ProblemAssert.JsonAsync(await admin.GetAsync(url), HttpStatusCode.OK);
        Assert.Equal(1, unchanged.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Campaign_leads_are_an_empty_page_for_a_new_campaign_and_404_for_an_unknown_one()
    {
        using var agent = fixture.Agent();
        using var admin = fixture.Admin();
        var id = await CreateIdAsync(admin, new { name = "No leads yet" });

        var page = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/campaigns/{id}/leads?limit=10"), HttpStatusCode.OK);

        Assert.Equal(0, page.GetProperty("total").GetInt64());
        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
        await ProblemAssert.IsProblemAsync(await agent.GetAsync($"/api/campaigns/{Guid.NewGuid()}/leads"), HttpStatusCode.NotFound);
        await ProblemAssert.NamesFieldsAsync(await agent.GetAsync($"/api/campaigns/{id}/leads?limit=0"), "limit");
    }

    [Fact]
    public async Task The_list_filters_by_status_type_and_active_on_with_open_ended_dates()
    {
        using var admin = fixture.Admin();
        var tag = Guid.NewGuid().ToString("N");
        var specs = new (string Name, string Type, string Status, string? Start, string? End, decimal Budget)[]
        {
            ("March", "email", "draft", "2026-03-01", "2026-03-31", 300),
            ("Open start", "social", "active", null, "2026-03-10", 100),
            ("Open end", "social", "scheduled", "2026-03-20", null, 200),
            ("Always", "ads", "active", null, null, 50),
            ("April", "email", "active", "2026-04-01", "2026-04-30", 400),
        };
        foreach (var s in specs)
        {
            await CreateAsync(admin, new { name = s.Name, type = s.Type, status = s.Status, start_date = s.Start, end_date = s.End, budget = s.Budget, target_audience = $"aud {tag}" });
        }

        async Task<string[]> Names(string query)
        {
            var page = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/campaigns?q={tag}&{query}"), HttpStatusCode.OK);
            return [.. page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];
        }

        Assert.Equal(new[] { "Always", "March", "Open start" }, await Names("active_on=2026-03-01&sort=name"));
        Assert.Equal(new[] { "Always", "March", "Open start" }, await Names("active_on=2026-03-10&sort=name")); // end day included
        Assert.Equal(new[] { "Always", "March" }, await Names("active_on=2026-03-11&sort=name"));
        Assert.Equal(new[] { "Always", "March", "Open end" }, await Names("active_on=2026-03-31&sort=name"));
        Assert.Equal(new[] { "Always", "April", "Open end" }, await Names("active_on=2026-04-01&sort=name"));
        Assert.Equal(new[] { "Always", "Open start" }, await Names("active_on=2020-01-01&sort=name"));
        Assert.Equal(new[] { "Always", "Open end" }, await Names("active_on=2030-01-01&sort=name"));
        Assert.Equal(new[] { "Always", "April", "Open start" }, await Names("status=active&sort=name"));
        Assert.Equal(new[] { "Open end", "Open start" }, await Names("type=social&sort=name"));
        Assert.Equal(new[] { "April", "March", "Open end", "Open start", "Always" }, await Names("sort=-budget"));
        // Open starts sort first; the tie is broken by id (creation order, ids are time-ordered).
        Assert.Equal(new[] { "Open start", "Always", "March", "Open end", "April" }, await Names("sort=start_date"));
        Assert.Equal(new[] { "April", "Open end", "March", "Always", "Open start" }, await Names("sort=-start_date"));
        Assert.Equal(new[] { "April", "Always" }, await Names("sort=-created_at&limit=2"));

        var page = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/campaigns?q={tag}&sort=name&limit=2&offset=2"), HttpStatusCode.OK);
        Assert.Equal(5, page.GetProperty("total").GetInt64());
        Assert.Equal(4, page.GetProperty("next").GetInt32());
        Assert.Equal("March", page.GetProperty("items")[0].GetProperty("name").GetString());
        await ProblemAssert.NamesFieldsAsync(await admin.GetAsync("/api/campaigns?active_on=tomorrow"), "active_on");
        await ProblemAssert.NamesFieldsAsync(await admin.GetAsync("/api/campaigns?status=running&type=tv&sort=cost"), "sort", "status", "type");
    }

    [Fact]
    public async Task Text_search_covers_name_description_and_target_audience()
    {
        using var admin = fixture.Admin();
        var tag = Guid.NewGuid().ToString("N")[..12];
        await CreateAsync(admin, new { name = $"N{tag}" });
        await CreateAsync(admin, new { name = "d", description = $"about {tag.ToUpperInvariant()}" });
        await CreateAsync(admin, new { name = "t", target_audience = $"{tag} fans" });

        var page = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/campaigns?q={tag}"), HttpStatusCode.OK);

        Assert.Equal(3, page.GetProperty("total").GetInt64());
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class CampaignTestsOnSqlite(SqliteApiFixture fixture) : CampaignTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class CampaignTestsOnMongo(MongoApiFixture fixture) : CampaignTests(fixture);
