using System.Diagnostics;
using CrmChatbot.Chat;
using CrmChatbot.Chat.Dialogue;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace CrmChatbot.Grains.Tests.Chat.Broadcast;

/// <summary>A silo of three dies: publishing does not wait for it, and the survivors still hear everything.</summary>
public sealed class ChatBroadcastFailoverTests : IAsyncLifetime
{
    private readonly TestCluster _cluster = new TestClusterBuilder(3).AddSiloBuilderConfigurator<SiloConfigurator>().Build();

    public Task InitializeAsync() => _cluster.DeployAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_dead_silo_delays_neither_the_publisher_nor_the_other_silos()
    {
        var publisher = _cluster.Silos[0];
        var survivor = _cluster.Silos[1];
        var doomed = _cluster.Silos[2];
        var broadcast = RecordingChatLiveClients.BroadcastOf(publisher);

        // Every silo hears the first update, so every relay is active.
        var first = Update("before");
        await broadcast.PublishAsync(first);
        Assert.Single(await RecordingChatLiveClients.Of(doomed).WaitForAsync(first.SessionId));
        Assert.Single(await RecordingChatLiveClients.Of(survivor).WaitForAsync(first.SessionId));

        await _cluster.KillSiloAsync(doomed);

        // Membership still lists the dead silo for a while: updates for it are queued and given up in the background.
        var sessionId = Guid.CreateVersion7().ToString();
        var texts = Enumerable.Range(0, 10).Select(i => $"after {i}").ToList();
        var elapsed = Stopwatch.StartNew();
        foreach (var text in texts)
        {
            await broadcast.PublishAsync(Update(text) with { SessionId = sessionId });
        }

        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(1), $"Publishing took {elapsed.Elapsed} with a dead silo in the cluster");
        Assert.Equal(texts, RecordingChatLiveClients.Of(publisher).For(sessionId).Select(u => u.Added[0].Text));
        var relayed = await RecordingChatLiveClients.Of(survivor).WaitForAsync(sessionId, texts.Count);
        Assert.Equal(texts, relayed.Select(u => u.Added[0].Text));
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(5), $"The surviving silo heard the updates only after {elapsed.Elapsed}");
    }

    private static ChatLiveUpdate Update(string text) => new(
        Guid.CreateVersion7().ToString(), ChatSessionStatus.WithAgent, ChatSessionStatus.WithAgent, "agent-1",
        [new ChatMessageDto(Guid.NewGuid().ToString(), ChatRole.User, text, DateTime.UtcNow, null, null)]);

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.Services.AddCrmChatBroadcast();
            siloBuilder.Services.AddSingleton<IChatLiveClients, RecordingChatLiveClients>();
        }
    }
}
