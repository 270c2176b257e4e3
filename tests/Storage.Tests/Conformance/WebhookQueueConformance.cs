using CrmChatbot.Webhooks;

namespace CrmChatbot.Storage.Tests.Conformance;

/// <summary>
/// The webhook subscriptions' queues every backend must keep (issue 16): events come out per subscription in append
/// order, stay until removed, are queued once per subscription however often they are handed on, are counted, and go
/// with their subscription.
/// </summary>
public abstract class WebhookQueueConformance
{
    protected abstract IWebhookQueue Queue { get; }

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static WebhookEvent Event(string id, string entity = "lead/1") => new(id, "lead.updated", entity, $"{{\"id\":\"{id}\",\"note\":\"é, \\\"quoted\\\"\"}}");

    private static List<WebhookEvent> Events(int count) => [.. Enumerable.Range(0, count).Select(i => Event($"evt-{i:D4}-{NewId()}"))];

    [Fact]
    public async Task Events_come_out_in_append_order_with_their_body_and_stay_until_removed()
    {
        var subscription = NewId();
        var first = Events(3);
        var second = Events(2);
        Assert.Equal(3, await Queue.AppendAsync(subscription, first));
        Assert.Equal(2, await Queue.AppendAsync(subscription, second));
        List<WebhookEvent> all = [.. first, .. second];

        var read = await Queue.ReadAsync(subscription, 100);
        Assert.Equal(all, read.Select(q => q.Event)); // records: id, type, entity and body round-trip
        Assert.True(read.Zip(read.Skip(1)).All(p => p.First.Seq < p.Second.Seq));
        Assert.Equal(all.Take(2), (await Queue.ReadAsync(subscription, 2)).Select(q => q.Event));
        Assert.Equal(all, (await Queue.ReadAsync(subscription, 100)).Select(q => q.Event)); // reading removes nothing
        Assert.Equal(5, await Queue.CountAsync(subscription));

        await Queue.RemoveAsync(subscription, [all[0].Id, all[3].Id, "not-queued"]);

        Assert.Equal([all[1], all[2], all[4]], (await Queue.ReadAsync(subscription, 100)).Select(q => q.Event));
        Assert.Equal(3, await Queue.CountAsync(subscription));
    }

    [Fact]
    public async Task An_event_handed_on_again_is_queued_once_and_keeps_its_place()
    {
        var subscription = NewId();
        var events = Events(3);
        await Queue.AppendAsync(subscription, events);

        // A dispatcher that died before clearing its batch hands the same events on again, with a new one.
        var again = Event("evt-new-" + NewId());
        Assert.Equal(1, await Queue.AppendAsync(subscription, [events[1], again, events[0]]));

        Assert.Equal([.. events, again], (await Queue.ReadAsync(subscription, 100)).Select(q => q.Event));
        Assert.Equal(4, await Queue.CountAsync(subscription));
    }

    [Fact]
    public async Task A_delivered_event_appended_again_is_queued_again_at_the_end()
    {
        var subscription = NewId();
        var events = Events(2);
        await Queue.AppendAsync(subscription, events);
        await Queue.RemoveAsync(subscription, [events[0].Id]);

        Assert.Equal(1, await Queue.AppendAsync(subscription, [events[0]])); // a replay

        Assert.Equal([events[1], events[0]], (await Queue.ReadAsync(subscription, 100)).Select(q => q.Event));
    }

    [Fact]
    public async Task Subscriptions_have_separate_queues_and_deleting_one_leaves_the_others()
    {
        var a = NewId();
        var b = NewId();
        var shared = Event("evt-shared-" + NewId());
        await Queue.AppendAsync(a, [shared, Event("evt-a-" + NewId())]);
        await Queue.AppendAsync(b, [shared]);

        Assert.Equal(2, await Queue.CountAsync(a));
        Assert.Equal([shared], (await Queue.ReadAsync(b, 100)).Select(q => q.Event));

        await Queue.RemoveAsync(b, [shared.Id]);
        Assert.Equal(shared, (await Queue.ReadAsync(a, 1)).Single().Event);

        await Queue.DeleteAllAsync(a);

        Assert.Equal(0, await Queue.CountAsync(a));
        Assert.Empty(await Queue.ReadAsync(a, 100));
        await Queue.AppendAsync(b, [Event("evt-b-" + NewId())]);
        Assert.Equal(1, await Queue.CountAsync(b));
        Assert.Empty(await Queue.ReadAsync(NewId(), 10));
        Assert.Equal(0, await Queue.AppendAsync(a, []));
    }

    [Fact]
    public async Task A_long_queue_reads_back_whole_in_order_window_by_window()
    {
        var subscription = NewId();
        var events = Events(450);
        foreach (var batch in events.Chunk(200))
        {
            await Queue.AppendAsync(subscription, batch);
        }

        Assert.Equal(450, await Queue.CountAsync(subscription));
        var delivered = new List<WebhookEvent>();
        while (await Queue.ReadAsync(subscription, 100) is { Count: > 0 } window)
        {
            delivered.AddRange(window.Select(q => q.Event));
            await Queue.RemoveAsync(subscription, [.. window.Select(q => q.Event.Id)]);
        }

        Assert.Equal(events, delivered);
        Assert.Equal(0, await Queue.CountAsync(subscription));
    }
}
