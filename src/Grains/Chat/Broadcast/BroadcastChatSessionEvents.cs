namespace CrmChatbot.Chat.Broadcast;

/// <summary>Changes a session makes on its own (idle close) go to the live clients on every silo.</summary>
public sealed class BroadcastChatSessionEvents(IChatBroadcast broadcast) : IChatSessionEvents
{
    public Task ChangedAsync(ChatChange change) => broadcast.PublishAsync(ChatLiveUpdate.From(change));
}
