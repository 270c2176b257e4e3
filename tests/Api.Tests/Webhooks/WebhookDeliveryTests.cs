using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmChatbot.TestSupport;

namespace CrmChatbot.Api.Tests.Webhooks;

/// <summary>Issue 16, items 1-3 and 6: subscriptions, signed ordered deliveries, outages, rotation, 410, test and replay.</summary>
public abstract class WebhookDeliveryTests(WebhookFixture fixture)
{
    private async Task<string> CreateLeadAsync(HttpClient admin, string name) =>
        (await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync("/api/leads", new { name }), HttpStatusCode.Created)).GetProperty("id").GetString()!;

    private static async Task UpdateLeadAsync(HttpClient admin, string id, object patch) =>
        await ProblemAssert.JsonAsync(await admin.PutAsJsonAsync($"/api/leads/{id}", patch), HttpStatusCode.OK);

    /// <summary>The timeline entry ids of a lead, oldest first: the ids of its events.</summary>
    private async Task<List<string>> EventIdsAsync(string leadId)
    {
        var page = await fixture.GetAsync($"/api/leads/{leadId}/timeline?limit=200");
        return [.. page.GetProperty("items").EnumerateArray().Reverse().Select(e => e.GetProperty("id").GetString()!)];
    }

    private async Task DeleteAsync(string webhookId)
    {
        using var admin = fixture.Admin();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/webhooks/{webhookId}")).StatusCode);
    }

    [Fact]
    public async Task A_subscriber_gets_every_change_signed_in_order_with_the_entity_and_the_changed_fields()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (webhookId, secret) = await fixture.SubscribeAsync(receiver.Url, "lead.*");
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        using var admin = fixture.Admin();

        var leadId = await CreateLeadAsync(admin, "Ada Webhook");
        await UpdateLeadAsync(admin, leadId, new { company = "Analytical Engines" });
        await UpdateLeadAsync(admin, leadId, new { status = "contacted" });
        var timeline = await EventIdsAsync(leadId);
        Assert.Equal(3, timeline.Count);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/leads/{leadId}")).StatusCode);
        // A ticket: not a lead.* event, never sent to this subscription.
        await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync("/api/tickets", new { subject = "Not for lead hooks" }), HttpStatusCode.Created);

        await receiver.WaitForAsync(all => all.Any(r => r.AnsweredWith == ReceiverMode.Up && r.EntityId == leadId && r.Type == "lead.deleted"));
        timeline.Add(receiver.Delivered.First(r => r.EntityId == leadId && r.Type == "lead.deleted").Id);
        await receiver.WaitForDeliveredAsync(timeline);

        var mine = receiver.Delivered.Where(r => r.EntityId == leadId).ToList();
        Assert.Equal(timeline, mine.Select(r => r.Id).Distinct().ToList()); // in order, ids = timeline entry ids
        Assert.Equal(["lead.created", "lead.updated", "lead.updated", "lead.deleted"], mine.DistinctBy(r => r.Id).Select(r => r.Type).ToArray());
        Assert.All(receiver.Received, r => Assert.StartsWith("lead.", r.Type, StringComparison.Ordinal));
        foreach (var received in mine)
        {
            Assert.True(WebhookReceiver.Verify(secret, received.Id, received.Timestamp, received.Body, received.Signature), received.Body);
            Assert.Equal(received.Id, received.Json.GetProperty("id").GetString());
            Assert.True(Math.Abs(long.Parse(received.Timestamp, System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow.ToUnixTimeSeconds()) < 600);
            Assert.False(WebhookReceiver.Verify("whsec_" + Convert.ToBase64String(new byte[32]), received.Id, received.Timestamp, received.Body, received.Signature));
        }

        var updated = mine.First(r => r.Json.GetProperty("changes").EnumerateArray().Any(c => c.GetProperty("field").GetString() == "company")).Json;
        Assert.Equal("lead", updated.GetProperty("entity").GetProperty("kind").GetString());
        Assert.Equal(2, updated.GetProperty("entity").GetProperty("version").GetInt64());
        Assert.Equal("Analytical Engines", updated.GetProperty("data").GetProperty("company").GetString());
        Assert.Equal("Ada Webhook", updated.GetProperty("data").GetProperty("name").GetString());
        Assert.Equal(leadId, updated.GetProperty("data").GetProperty("id").GetString());
        var change = updated.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("field").GetString() == "company");
        Assert.Equal(JsonValueKind.Null, change.GetProperty("from").ValueKind);
        Assert.Equal("Analytical Engines", change.GetProperty("to").GetString());
        Assert.Equal("user", updated.GetProperty("actor").GetProperty("kind").GetString());
        Assert.Equal("contacted", mine.Single(r => r.Version == 3).Json.GetProperty("data").GetProperty("status").GetString());
        Assert.True(updated.TryGetProperty("occurred_at", out _));

        // The log records an attempt once its answer is back in the grain, just after the receiver saw it.
        var deliveries = await fixture.EventuallyAsync($"/api/webhooks/{webhookId}/deliveries",
            json => json.GetProperty("items").EnumerateArray().Count(d => timeline.Contains(d.GetProperty("event_id").GetString()!)) >= 4);
        var logged = deliveries.GetProperty("items").EnumerateArray().Where(d => timeline.Contains(d.GetProperty("event_id").GetString()!)).ToList();
        Assert.Equal(4, logged.Count);
        Assert.All(logged, d =>
        {
            Assert.Equal("delivered", d.GetProperty("outcome").GetString());
            Assert.Equal(200, d.GetProperty("status_code").GetInt32());
            Assert.True(d.GetProperty("latency_ms").GetInt64() >= 0);
        });
        await DeleteAsync(webhookId);
    }

    [Fact]
    public async Task After_an_outage_every_event_arrives_in_order_per_entity_and_never_twice_with_another_id()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Mode = ReceiverMode.Unavailable;
        var (webhookId, secret) = await fixture.SubscribeAsync(receiver.Url, "lead.created", "lead.updated");
        using var admin = fixture.Admin();
        var leads = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = await CreateLeadAsync(admin, $"Outage lead {i}");
            leads.Add(id);
            await UpdateLeadAsync(admin, id, new { notes = "first" });
            await UpdateLeadAsync(admin, id, new { notes = "second" });
        }

        // Down for several attempts (503, then connection resets), then up.
        await receiver.WaitForAsync(all => all.Count(r => r.AnsweredWith == ReceiverMode.Unavailable) >= 3);
        receiver.Mode = ReceiverMode.Reset;
        await receiver.WaitForAsync(all => all.Count(r => r.AnsweredWith == ReceiverMode.Reset) >= 2);
        var retrying = await fixture.GetAsync($"/api/webhooks/{webhookId}/deliveries");
        Assert.Contains(retrying.GetProperty("items").EnumerateArray(), d => d.GetProperty("outcome").GetString() == "retrying" && d.GetProperty("status_code").ValueKind == JsonValueKind.Number);
        Assert.True(retrying.GetProperty("pending").GetInt32() > 0);
        receiver.Mode = ReceiverMode.Up;

        var expected = new Dictionary<string, List<string>>();
        foreach (var lead in leads)
        {
            expected[lead] = await EventIdsAsync(lead);
            Assert.Equal(3, expected[lead].Count);
        }

        await receiver.WaitForDeliveredAsync(expected.Values.SelectMany(ids => ids));
        foreach (var (lead, ids) in expected)
        {
            var arrived = receiver.Delivered.Where(r => r.EntityId == lead).ToList();
            // In order: each entity's deliveries follow its timeline; repeats (at least once) keep their id.
            Assert.Equal(ids, arrived.Select(r => r.Id).Distinct().ToList());
            Assert.All(arrived.GroupBy(r => r.Version), sameVersion => Assert.Single(sameVersion.Select(r => r.Id).Distinct()));
            Assert.All(arrived, r => Assert.True(WebhookReceiver.Verify(secret, r.Id, r.Timestamp, r.Body, r.Signature)));
        }

        var after = await fixture.EventuallyAsync($"/api/webhooks/{webhookId}/deliveries", json => json.GetProperty("pending").GetInt32() == 0);
        Assert.Contains(after.GetProperty("items").EnumerateArray(), d => d.GetProperty("attempt").GetInt32() > 1 && d.GetProperty("outcome").GetString() == "delivered");
        var webhook = await fixture.GetAsync($"/api/webhooks/{webhookId}");
        Assert.Equal("active", webhook.GetProperty("status").GetString());
        await DeleteAsync(webhookId);
    }

    [Fact]
    public async Task A_chat_hand_off_is_a_chat_handoff_requested_event_with_the_session()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (webhookId, secret) = await fixture.SubscribeAsync(receiver.Url, "chat.*");
        using var visitor = fixture.Factory.CreateClient();
        var (sessionId, token, _) = await CrmChatbot.Api.Tests.Chat.ChatApi.StartAsync(visitor);
        await ProblemAssert.JsonAsync(await CrmChatbot.Api.Tests.Chat.ChatApi.SendAsync(visitor, sessionId, token, "hello"), HttpStatusCode.OK);
        var handoff = await ProblemAssert.JsonAsync(
            await CrmChatbot.Api.Tests.Chat.ChatApi.SendAsync(visitor, sessionId, token, CrmChatbot.Api.Tests.Chat.ChatApi.AskForHuman), HttpStatusCode.OK);
        Assert.Equal("waiting_for_agent", handoff.GetProperty("status").GetString());
        // Asking again while waiting is no second hand-off.
        await CrmChatbot.Api.Tests.Chat.ChatApi.SendAsync(visitor, sessionId, token, CrmChatbot.Api.Tests.Chat.ChatApi.AskForHuman);

        await receiver.WaitForAsync(all => all.Any(r => r.AnsweredWith == ReceiverMode.Up && r.EntityId == sessionId));
        var received = Assert.Single(receiver.Delivered, r => r.EntityId == sessionId);
        Assert.Equal("chat.handoff_requested", received.Type);
        Assert.True(WebhookReceiver.Verify(secret, received.Id, received.Timestamp, received.Body, received.Signature));
        var data = received.Json.GetProperty("data");
        Assert.Equal(sessionId, data.GetProperty("id").GetString());
        Assert.Equal("waiting_for_agent", data.GetProperty("status").GetString());
        Assert.Equal("chat", received.Json.GetProperty("entity").GetProperty("kind").GetString());
        Assert.Equal("chatbot", received.Json.GetProperty("actor").GetProperty("kind").GetString());
        await DeleteAsync(webhookId);
    }

    [Fact]
    public async Task A_rotated_secret_signs_alongside_the_previous_one_during_the_overlap()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (webhookId, oldSecret) = await fixture.SubscribeAsync(receiver.Url, "lead.created");
        using var admin = fixture.Admin();
        var rotated = await ProblemAssert.JsonAsync(await admin.PostAsync($"/api/webhooks/{webhookId}/rotate-secret", null), HttpStatusCode.OK);
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        Assert.True(rotated.GetProperty("previous_secret_expires_at").GetDateTime() > DateTime.UtcNow.AddHours(23));

        var leadId = await CreateLeadAsync(admin, "Rotation lead");
        var ids = await EventIdsAsync(leadId);
        await receiver.WaitForDeliveredAsync(ids);
        var received = receiver.Delivered.First(r => r.Id == ids[0]);
        Assert.Equal(2, received.Signature.Split(' ').Length);
        Assert.True(WebhookReceiver.Verify(newSecret, received.Id, received.Timestamp, received.Body, received.Signature));
        Assert.True(WebhookReceiver.Verify(oldSecret, received.Id, received.Timestamp, received.Body, received.Signature));

        // The secret is never shown again.
        var listed = await fixture.GetAsync("/api/webhooks");
        Assert.DoesNotContain("whsec_", listed.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", (await fixture.GetAsync($"/api/webhooks/{webhookId}")).ToString(), StringComparison.Ordinal);
        await DeleteAsync(webhookId);
    }

    [Fact]
    public async Task A_receiver_answering_410_Gone_switches_the_subscription_off()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Mode = ReceiverMode.Gone;
        var (webhookId, _) = await fixture.SubscribeAsync(receiver.Url, "lead.created");
        using var admin = fixture.Admin();
        await CreateLeadAsync(admin, "Gone lead");

        var webhook = await fixture.EventuallyAsync($"/api/webhooks/{webhookId}", json => json.GetProperty("status").GetString() == "disabled");
        Assert.False(webhook.GetProperty("active").GetBoolean());
        Assert.Contains("410", webhook.GetProperty("status_reason").GetString(), StringComparison.Ordinal);
        Assert.Single(receiver.Received); // not retried
        await DeleteAsync(webhookId);
    }

    [Fact]
    public async Task Test_sends_a_signed_ping_and_replay_sends_a_logged_event_again_with_its_id()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (webhookId, secret) = await fixture.SubscribeAsync(receiver.Url, "lead.created");
        using var admin = fixture.Admin();

        var ping = await ProblemAssert.JsonAsync(await admin.PostAsync($"/api/webhooks/{webhookId}/test", null), HttpStatusCode.OK);
        Assert.Equal("delivered", ping.GetProperty("outcome").GetString());
        Assert.Equal(200, ping.GetProperty("status_code").GetInt32());
        var pinged = Assert.Single(receiver.Received);
        Assert.Equal("webhook.test", pinged.Type);
        Assert.True(WebhookReceiver.Verify(secret, pinged.Id, pinged.Timestamp, pinged.Body, pinged.Signature));

        var leadId = await CreateLeadAsync(admin, "Replayed lead");
        var eventId = (await EventIdsAsync(leadId)).Single();
        await receiver.WaitForDeliveredAsync([eventId]);
        var logged = await fixture.EventuallyAsync($"/api/webhooks/{webhookId}/deliveries",
            json => json.GetProperty("items").EnumerateArray().Any(d => d.GetProperty("event_id").GetString() == eventId));
        var deliveryId = logged.GetProperty("items").EnumerateArray().First(d => d.GetProperty("event_id").GetString() == eventId).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/webhooks/{webhookId}/deliveries/{deliveryId}/replay", null)).StatusCode);
        await receiver.WaitForAsync(all => all.Count(r => r.Id == eventId && r.AnsweredWith == ReceiverMode.Up) == 2);
        await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/api/webhooks/{webhookId}/deliveries/nope/replay", null), HttpStatusCode.NotFound);
        await DeleteAsync(webhookId);
    }
}

public sealed class SqliteWebhookDeliveryTests(SqliteWebhookFixture fixture) : WebhookDeliveryTests(fixture), IClassFixture<SqliteWebhookFixture>;

public sealed class MongoWebhookDeliveryTests(MongoWebhookFixture fixture) : WebhookDeliveryTests(fixture), IClassFixture<MongoWebhookFixture>;
