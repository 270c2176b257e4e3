using System.Net;
using System.Net.Http.Json;
using CrmChatbot.TestSupport;

namespace CrmChatbot.Api.Tests.Webhooks;

/// <summary>Subscriptions: validation (422 naming the field, nothing stored), CRUD, and failing after the retry window.</summary>
public sealed class WebhookSubscriptionTests(NoRetryWebhookFixture fixture) : IClassFixture<NoRetryWebhookFixture>
{
    [Theory]
    [InlineData("ftp://example.com/hook", "url")]
    [InlineData("/relative", "url")]
    [InlineData("https://user:pw@example.com/hook", "url")]
    [InlineData(null, "url")]
    public async Task A_bad_url_is_422_naming_url_and_stores_nothing(string? url, string field)
    {
        using var admin = fixture.Admin();
        var before = (await fixture.GetAsync("/api/webhooks")).GetArrayLength();
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url, events = new[] { "lead.created" } }), field);
        Assert.Equal(before, (await fixture.GetAsync("/api/webhooks")).GetArrayLength());
    }

    [Fact]
    public async Task Unknown_event_types_missing_events_and_unknown_fields_are_422_naming_them()
    {
        using var admin = fixture.Admin();
        const string url = "https://hooks.example.com/crm";
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url, events = new[] { "lead.exploded" } }), "events");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url, events = new[] { "robots.*" } }), "events");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url, events = Array.Empty<string>() }), "events");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url }), "events");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url, events = "lead.created" }), "events");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url, events = new[] { "*" }, secret = "mine" }), "secret");
        await ProblemAssert.NamesFieldsAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url, events = new[] { "*" }, colour = "red" }), "colour");
    }

    [Fact]
    public async Task An_admin_creates_reads_updates_and_deletes_a_subscription()
    {
        using var admin = fixture.Admin();
        var created = await ProblemAssert.JsonAsync(
            await admin.PostAsJsonAsync("/api/webhooks", new { url = "https://hooks.example.com/a", events = new[] { "ticket.*", "lead.created" } }),
            HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("active", created.GetProperty("status").GetString());

        var updated = await ProblemAssert.JsonAsync(
            await admin.PutAsJsonAsync($"/api/webhooks/{id}", new { events = new[] { "meeting.cancelled" }, active = false }), HttpStatusCode.OK);
        Assert.Equal(["meeting.cancelled"], updated.GetProperty("events").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("disabled", updated.GetProperty("status").GetString());
        Assert.Equal("https://hooks.example.com/a", updated.GetProperty("url").GetString());
        await ProblemAssert.NamesFieldsAsync(await admin.PutAsJsonAsync($"/api/webhooks/{id}", new { url = "gopher://x" }), "url");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/webhooks/{id}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/webhooks/{id}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/webhooks/{id}/deliveries"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await admin.PutAsJsonAsync($"/api/webhooks/{id}", new { active = true }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Past_the_retry_window_the_subscription_is_failing_with_the_reason_and_an_update_resumes_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Mode = ReceiverMode.Error;
        var (webhookId, _) = await fixture.SubscribeAsync(receiver.Url, "lead.created");
        using var admin = fixture.Admin();
        var lead = await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync("/api/leads", new { name = "Failing lead" }), HttpStatusCode.Created);
        var leadId = lead.GetProperty("id").GetString()!;

        var failing = await fixture.EventuallyAsync($"/api/webhooks/{webhookId}", json => json.GetProperty("status").GetString() == "failing");
        Assert.Contains("HTTP 500", failing.GetProperty("status_reason").GetString(), StringComparison.Ordinal);
        Assert.True(failing.GetProperty("active").GetBoolean());
        var log = await fixture.GetAsync($"/api/webhooks/{webhookId}/deliveries");
        var attempt = log.GetProperty("items").EnumerateArray().First();
        Assert.Equal("failed", attempt.GetProperty("outcome").GetString());
        Assert.Equal(500, attempt.GetProperty("status_code").GetInt32());
        Assert.Contains("500", attempt.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, log.GetProperty("pending").GetInt32()); // kept, not lost

        receiver.Mode = ReceiverMode.Up;
        await ProblemAssert.JsonAsync(await admin.PutAsJsonAsync($"/api/webhooks/{webhookId}", new { active = true }), HttpStatusCode.OK);
        await receiver.WaitForAsync(all => all.Any(r => r.AnsweredWith == ReceiverMode.Up && r.EntityId == leadId));
        Assert.Equal("active", (await fixture.GetAsync($"/api/webhooks/{webhookId}")).GetProperty("status").GetString());
    }
}
