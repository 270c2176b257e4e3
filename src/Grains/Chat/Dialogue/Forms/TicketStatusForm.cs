using CrmChatbot.Chat.Language;
using CrmChatbot.Common;
using CrmChatbot.Users;

namespace CrmChatbot.Chat.Dialogue.Forms;

/// <summary>A signed-in user's ticket by number, or their latest tickets; read as the user, so only their own show.</summary>
internal sealed class TicketStatusForm : ChatForm
{
    public override Intent Intent => Intent.TicketStatus;

    public override bool Immediate => true;

    public override int Order => 20;

    protected override IReadOnlyList<string> Accepted { get; } = [SlotKeys.TicketNumber];

    public override string ToolDescription => "Status of one of the signed-in user's tickets by number, or of their latest tickets.";

    public override string? Capability(ChatUser user) => user.IsSignedIn ? "tell you a ticket's status" : null;

    public override async Task ExecuteAsync(FormTurn turn, CancellationToken ct)
    {
        if (!turn.User.IsSignedIn)
        {
            turn.Say("To look up tickets, please sign in first — I can only show you your own tickets.");
            turn.Suggestions = ["Talk to a human"];
            return;
        }

        var viewer = Actor.User(turn.User.UserId!, turn.User.Role ?? UserRole.Client, turn.User.Name);
        if (turn.Slots.TryGetValue(SlotKeys.TicketNumber, out var number))
        {
            // Someone else's ticket reads exactly like a missing one: the answer must not reveal it exists.
            var ticket = await turn.Tools.FindTicketAsync(number, viewer, ct);
            turn.Say(ticket is null
                ? $"I can't find ticket {number} among your tickets. Please check the number."
                : $"Ticket {ticket.Number} \"{ticket.Subject}\" is {ChatText.Words(ChatText.StoredName(ticket.Status))} ({ChatText.StoredName(ticket.Priority)} priority, last updated {ChatText.When(ticket.UpdatedAt, turn.State.TimeZone)}).");
            turn.Suggestions = ["My tickets", "Open a ticket"];
            return;
        }

        var latest = await turn.Tools.LatestTicketsAsync(turn.User.UserId!, ct);
        turn.Say(latest.Count == 0
            ? "You have no tickets."
            : "Your latest tickets: " + string.Join("; ", latest.Select(t => $"{t.Number} \"{t.Subject}\" — {ChatText.Words(ChatText.StoredName(t.Status))}")) + ".");
        turn.Suggestions = ["Open a ticket", "Talk to a human"];
    }
}
