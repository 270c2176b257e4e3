using CrmChatbot.Storage.Sqlite;
using CrmChatbot.Webhooks;
using Orleans.Runtime;

namespace CrmChatbot.Grains.Tests.Webhooks;

[Collection(ClusterCollection.Name)]
public sealed class WebhookQueueMigrationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_queue_stored_in_the_subscription_document_by_an_earlier_version_moves_to_the_store_in_order()
    {
        var registry = fixture.Grains.GetGrain<IWebhookRegistryGrain>(0);
        // A receiver that never answers (no DNS here): the events stay queued.
        var created = await registry.CreateAsync(new NewWebhook("https://hooks.example.com/legacy", ["lead.*"]));
        var id = created.Value!.Webhook.Id;
        var subscription = fixture.Grains.GetGrain<IWebhookSubscriptionGrain>(id);
        var events = Enumerable.Range(0, 3).Select(i => new WebhookEvent($"legacy-{i}-{Guid.NewGuid():N}", "lead.updated", "lead/x", $"{{\"n\":{i}}}")).ToList();
        var legacy = new WebhookSubscriptionState { Queue = [.. events.Select(e => new QueuedWebhookEvent { Event = e })] };
        await new SqliteGrainStorage(fixture.Store).WriteStateAsync("webhook_deliveries", subscription.GetGrainId(), new GrainState<WebhookSubscriptionState>(legacy));

        Assert.Equal(3, (await subscription.DeliveriesAsync(10)).Pending);

        var queued = await new SqliteWebhookQueue(fixture.Store).ReadAsync(id, 10);
        Assert.Equal(events, queued.Select(q => q.Event));
        var stored = fixture.Store.State("webhook_deliveries", id);
        Assert.NotNull(stored);
        Assert.Empty(stored["queue"]!.AsArray());

        Assert.True(await registry.DeleteAsync(id));
    }
}
