using System.Net;
using CrmChatbot.Storage.Sqlite;
using CrmChatbot.TestSupport;
using CrmChatbot.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace CrmChatbot.Api.Tests.Webhooks;

/// <summary>
/// Issue 16, items 2-3: a long outage (as a 100,000-lead import would cause) loses nothing. The events wait in the
/// store's queue, not in the subscription's document, and all of them arrive in order once the receiver is back.
/// On the embedded store only: the MongoDB queue keeps the same contract (conformance suite), and the test server
/// used here is too slow with thousands of documents.
/// </summary>
public sealed class WebhookBacklogTests(SqliteWebhookFixture fixture) : IClassFixture<SqliteWebhookFixture>
{
    private const int Events = 2_500;

    private static WebhookEvent Event(int i)
    {
        var id = $"backlog-{i:D5}-{Guid.NewGuid():N}";
        var lead = $"lead-{i % 25}";
        var body = $"{{\"id\":\"{id}\",\"type\":\"lead.updated\",\"entity\":{{\"kind\":\"lead\",\"id\":\"{lead}\",\"version\":{i / 25 + 1}}},\"data\":{{\"name\":\"Lead {i}\"}},\"changes\":[]}}";
        return new WebhookEvent(id, "lead.updated", "lead/" + lead, body);
    }

    [Fact]
    public async Task Thousands_of_events_queued_while_the_receiver_is_down_all_arrive_in_order_and_the_subscription_document_stays_small()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Mode = ReceiverMode.Unavailable;
        var (webhookId, _) = await fixture.SubscribeAsync(receiver.Url, "lead.updated");
        var events = Enumerable.Range(0, Events).Select(Event).ToList();
        var subscription = fixture.Factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IWebhookSubscriptionGrain>(webhookId);

        // As the dispatcher hands them on: batches of 200, one batch handed on twice (a dispatcher that died before clearing it).
        foreach (var batch in events.Chunk(200))
        {
            await subscription.EnqueueAsync(batch);
        }

        await subscription.EnqueueAsync(events[200..400]);
        await receiver.WaitForAsync(all => all.Count(r => r.AnsweredWith == ReceiverMode.Unavailable) >= 2);

        var waiting = await fixture.GetAsync($"/api/webhooks/{webhookId}/deliveries");
        Assert.Equal(Events, waiting.GetProperty("pending").GetInt32());
        Assert.Equal("active", (await fixture.GetAsync($"/api/webhooks/{webhookId}")).GetProperty("status").GetString());
        // The queue is rows of its own; the subscription's document (retry schedule, log, replayable events) does not grow with it.
        var store = fixture.Factory.Services.GetRequiredService<SqliteStore>();
        var documentBytes = store.Read(s => (long)s.Scalar("SELECT max(length(doc)) FROM webhook_deliveries WHERE id LIKE @p0", "%" + webhookId)!);
        Assert.InRange(documentBytes, 1, 32 * 1024);

        receiver.Mode = ReceiverMode.Up;
        await receiver.WaitForDeliveredAsync(events.Select(e => e.Id), TimeSpan.FromMinutes(5));

        // Every event, once each, in the order queued (so in order per entity).
        Assert.Equal(events.Select(e => e.Id), receiver.Delivered.Select(r => r.Id).Distinct());
        Assert.Equal(Events, receiver.Delivered.Count);
        var after = await fixture.EventuallyAsync($"/api/webhooks/{webhookId}/deliveries", json => json.GetProperty("pending").GetInt32() == 0);
        Assert.Equal("delivered", after.GetProperty("items")[0].GetProperty("outcome").GetString());

        using var admin = fixture.Admin();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/webhooks/{webhookId}")).StatusCode);
    }
}

/// <summary>A subscription's queue goes with it: deleted with the subscription, dropped when the receiver answers 410 Gone.</summary>
public sealed class WebhookQueueLifetimeTests(SqliteWebhookFixture fixture) : IClassFixture<SqliteWebhookFixture>
{
    private long QueuedRows(string webhookId) =>
        fixture.Factory.Services.GetRequiredService<SqliteStore>().Read(s => (long)s.Scalar("SELECT count(*) FROM webhook_queue WHERE subscription_id = @p0", webhookId)!);

    private async Task<(WebhookReceiver Receiver, string WebhookId)> BacklogAsync(ReceiverMode mode)
    {
        var receiver = await WebhookReceiver.StartAsync();
        receiver.Mode = mode;
        var (webhookId, _) = await fixture.SubscribeAsync(receiver.Url, "lead.updated");
        var subscription = fixture.Factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IWebhookSubscriptionGrain>(webhookId);
        await subscription.EnqueueAsync([.. Enumerable.Range(0, 5).Select(i => new WebhookEvent($"life-{i}-{Guid.NewGuid():N}", "lead.updated", "lead/x", "{}"))]);
        return (receiver, webhookId);
    }

    [Fact]
    public async Task Deleting_a_subscription_deletes_its_queued_events()
    {
        var (receiver, webhookId) = await BacklogAsync(ReceiverMode.Unavailable);
        await using var _ = receiver;
        await receiver.WaitForAsync(all => all.Count > 0);
        Assert.Equal(5, QueuedRows(webhookId));

        using var admin = fixture.Admin();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/webhooks/{webhookId}")).StatusCode);

        // The reset is one-way: poll the store until the grain has run it.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (QueuedRows(webhookId) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the deleted subscription's queue is still stored");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_receiver_answering_410_Gone_drops_the_queue_with_the_subscription_switched_off()
    {
        var (receiver, webhookId) = await BacklogAsync(ReceiverMode.Gone);
        await using var _ = receiver;

        await fixture.EventuallyAsync($"/api/webhooks/{webhookId}", json => json.GetProperty("status").GetString() == "disabled");

        Assert.Equal(0, QueuedRows(webhookId));
        Assert.Equal(0, (await fixture.GetAsync($"/api/webhooks/{webhookId}/deliveries")).GetProperty("pending").GetInt32());
        Assert.Single(receiver.Received);
    }
}
