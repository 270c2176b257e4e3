using CrmChatbot.Chat.Dialogue;
using CrmChatbot.Chat.Language;

namespace CrmChatbot.Chat.Sessions.Testing;

/// <summary>
/// A stand-in assistant for session tests: echoes the text, and asks for a human when the text says
/// "human". Registered with TryAdd, so the real assistant wins wherever it is registered; tests
/// assert on session behaviour, not on the assistant's wording.
/// </summary>
public sealed class EchoDialogueManager : IDialogueManager
{
    public string Greeting(ChatUser user) => user.IsSignedIn ? $"Hello {user.Name}!" : "Hello! How can I help?";

    public Task<DialogueTurn> HandleAsync(DialogueState state, string text, ChatUser user, string sessionId, CancellationToken cancellationToken = default)
    {
        var handoff = text.Contains("human", StringComparison.OrdinalIgnoreCase);
        var next = new DialogueState
        {
            PendingIntent = state.PendingIntent,
            Slots = new Dictionary<string, string>(state.Slots) { ["last"] = text },
            TimeZone = state.TimeZone,
            Misses = state.Misses + 1,
        };
        return Task.FromResult(new DialogueTurn(
            handoff ? "Connecting you to a human." : $"echo: {text}",
            handoff ? Intent.Handoff : Intent.Unknown,
            next.Slots,
            [],
            handoff ? [] : ["Talk to a human"],
            handoff,
            next));
    }
}
