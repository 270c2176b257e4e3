using CrmChatbot.Chat.Language;

namespace CrmChatbot.Chat.Dialogue.Forms;

/// <summary>A human colleague joins the chat: allowed at any moment, it drops whatever task was in progress.</summary>
internal sealed class HandoffForm : ChatForm
{
    public override Intent Intent => Intent.Handoff;

    public override bool Immediate => true;

    public override bool Interrupts => true;

    public override int Order => 1000;

    public override string ToolName => "request_handoff";

    public override string ToolDescription => "Ask a human colleague to join the chat.";

    public override string? Capability(ChatUser user) => "get you a human";

    public override Task ExecuteAsync(FormTurn turn, CancellationToken ct)
    {
        turn.RequestHandoff();
        return Task.CompletedTask;
    }
}
