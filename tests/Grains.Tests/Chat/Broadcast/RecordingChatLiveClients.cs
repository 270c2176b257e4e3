using System.Collections.Concurrent;
using CrmChatbot.Chat;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace CrmChatbot.Grains.Tests.Chat.Broadcast;

/// <summary>Stands in for one silo's chat hub: records every update pushed to that silo's clients.</summary>
public sealed class RecordingChatLiveClients : IChatLiveClients
{
    private readonly ConcurrentQueue<ChatLiveUpdate> _updates = new();

    public Task PushAsync(ChatLiveUpdate update, CancellationToken cancellationToken = default)
    {
        _updates.Enqueue(update);
        return Task.CompletedTask;
    }

    public IReadOnlyList<ChatLiveUpdate> For(string sessionId) => [.. _updates.Where(u => u.SessionId == sessionId)];

    /// <summary>Waits (up to 10 s) until <paramref name="count"/> updates of the session arrived, then returns them.</summary>
    public async Task<IReadOnlyList<ChatLiveUpdate>> WaitForAsync(string sessionId, int count = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (For(sessionId).Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        return For(sessionId);
    }

    /// <summary>The recorder of one in-process silo of a test cluster.</summary>
    public static RecordingChatLiveClients Of(SiloHandle silo) =>
        (RecordingChatLiveClients)((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<IChatLiveClients>();

    public static IChatBroadcast BroadcastOf(SiloHandle silo) =>
        ((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<IChatBroadcast>();
}
