using CrmChatbot.Chat;
using CrmChatbot.Grains.Tests.Tickets;

namespace CrmChatbot.Grains.Tests.Chat.Broadcast;

/// <summary>On the two-silo cluster: an update published on either silo reaches the clients of both, once.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ChatBroadcastTests(ClusterFixture fixture)
{
    /// <summary>Long enough for a duplicate relay to show up if there were one.</summary>
    private static readonly TimeSpan DuplicateWindow = TimeSpan.FromMilliseconds(300);

    private static ChatLiveUpdate Update(string text) => new(
        Guid.CreateVersion7().ToString(), ChatSessionStatus.Active, ChatSessionStatus.WaitingForAgent, null,
        [new ChatMessageDto(Guid.NewGuid().ToString(), ChatRole.User, text, DateTime.UtcNow, null, null)]);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task An_update_published_on_one_silo_reaches_the_clients_of_every_silo_exactly_once(int publisher)
    {
        var silos = fixture.Cluster.Silos;
        Assert.Equal(2, silos.Count);
        var update = Update("published on silo " + publisher);

        await RecordingChatLiveClients.BroadcastOf(silos[publisher]).PublishAsync(update);

        // The publisher's own clients are pushed to before PublishAsync returns.
        Assert.Equal([update], RecordingChatLiveClients.Of(silos[publisher]).For(update.SessionId));
        var other = RecordingChatLiveClients.Of(silos[1 - publisher]);
        var relayed = Assert.Single(await other.WaitForAsync(update.SessionId));
        Assert.Equal(update.Status, relayed.Status);
        Assert.Equal(update.Added[0].Text, Assert.Single(relayed.Added).Text);

        await Task.Delay(DuplicateWindow);
        Assert.Single(RecordingChatLiveClients.Of(silos[publisher]).For(update.SessionId));
        Assert.Single(other.For(update.SessionId));
    }

    [Fact]
    public async Task Updates_from_one_silo_arrive_on_the_other_in_publishing_order()
    {
        var silos = fixture.Cluster.Silos;
        var sessionId = Guid.CreateVersion7().ToString();
        var broadcast = RecordingChatLiveClients.BroadcastOf(silos[0]);
        var texts = Enumerable.Range(0, 20).Select(i => $"message {i}").ToList();
        foreach (var text in texts)
        {
            await broadcast.PublishAsync(Update(text) with { SessionId = sessionId });
        }

        var received = await RecordingChatLiveClients.Of(silos[1]).WaitForAsync(sessionId, texts.Count);
        Assert.Equal(texts, received.Select(u => u.Added[0].Text));
    }

    [Fact]
    public async Task An_idle_session_closed_by_its_grain_is_announced_on_every_silo()
    {
        var id = Guid.CreateVersion7().ToString();
        var grain = fixture.Grains.GetGrain<IChatSessionGrain>(id);
        Assert.True((await grain.StartAsync(ChatCaller.Visitor("token-" + Guid.NewGuid()), "UTC")).IsSuccess);
        try
        {
            TestClock.Shared.Advance(TimeSpan.FromHours(2));
            Assert.Equal(ChatSessionStatus.Closed, (await grain.CheckIdleAsync())!.Status);
        }
        finally
        {
            TestClock.Shared.Reset();
        }

        foreach (var silo in fixture.Cluster.Silos)
        {
            var closed = Assert.Single(await RecordingChatLiveClients.Of(silo).WaitForAsync(id));
            Assert.Equal(ChatSessionStatus.Active, closed.PreviousStatus);
            Assert.Equal(ChatSessionStatus.Closed, closed.Status);
            Assert.Equal(ChatRole.System, Assert.Single(closed.Added).Role);
        }
    }
}
