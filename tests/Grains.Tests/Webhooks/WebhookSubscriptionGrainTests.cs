using CrmChatbot.Storage.Reminders;
using CrmChatbot.Webhooks;

namespace CrmChatbot.Grains.Tests.Webhooks;

[Collection(ClusterCollection.Name)]
public sealed class WebhookSubscriptionGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Events_reaching_a_deleted_subscription_are_dropped_and_leave_no_reminder_behind()
    {
        var registry = fixture.Grains.GetGrain<IWebhookRegistryGrain>(0);
        var created = await registry.CreateAsync(new NewWebhook("https://hooks.example.com/crm", ["lead.*"]));
        var id = created.Value!.Webhook.Id;
        Assert.True(await registry.DeleteAsync(id));

        // A dispatcher batch read its routes before the deletion.
        var subscription = fixture.Grains.GetGrain<IWebhookSubscriptionGrain>(id);
        await subscription.EnqueueAsync([new WebhookEvent("evt-late", "lead.created", "lead/x", "{}")]);

        Assert.Equal(0, (await subscription.DeliveriesAsync(10)).Pending);
        var reminders = fixture.Store.Read(session => (long)session.Scalar(
            $"SELECT count(*) FROM {ReminderFields.Collection} WHERE {ReminderFields.GrainId} LIKE @p0", "%" + id + "%")!);
        Assert.Equal(0, reminders);
    }
}
