using CrmChatbot.Chat.Language;

namespace CrmChatbot.Chat.Dialogue.Forms;

/// <summary>
/// A sales enquiry: name, email and company, then the lead (source chatbot) for staff to follow up. The need is
/// optional: "have sales contact me" is a whole request, so the form does not block on what it is about; when no
/// need is given, the opening message is kept as the lead's note instead.
/// </summary>
internal sealed class CreateLeadForm : ChatForm
{
    /// <summary>Internal slot: the message that started the form, when it named no need.</summary>
    private const string RequestSlot = "request";

    public override Intent Intent => Intent.CreateLead;

    protected override IReadOnlyList<string> Required { get; } = [SlotKeys.Name, SlotKeys.Email, SlotKeys.Company];

    protected override IReadOnlyList<string> Accepted { get; } = [SlotKeys.Name, SlotKeys.Email, SlotKeys.Company, SlotKeys.Need, SlotKeys.Phone];

    public override int Order => 5;

    public override string ToolDescription => "Pass a sales enquiry on: records the visitor's lead (name, email and company are needed).";

    public override string? Capability(ChatUser user) => user.IsSignedIn ? null : "put you in touch with sales";

    public override bool MayStart(FormTurn turn)
    {
        if (turn.Tools.LeadLimit(turn.Principal) is null)
        {
            return true;
        }

        turn.SayLimit(Intent.CreateLead);
        return false;
    }

    public override void Prefill(FormTurn turn) => PrefillContact(turn);

    /// <summary>More said at the confirmation ("we're 40 people in three offices") is part of what they want.</summary>
    protected override string? FreeTextSlot => SlotKeys.Need;

    public override void Started(FormTurn turn)
    {
        if (!turn.State.Slots.ContainsKey(SlotKeys.Need) && turn.Text.Length > 0)
        {
            turn.State.Slots[RequestSlot] = turn.Text;
        }
    }

    public override string Confirmation(FormTurn turn)
    {
        var slots = turn.State.Slots;
        var need = slots.TryGetValue(SlotKeys.Need, out var n) ? " — " + n.Replace("\n", "; ", StringComparison.Ordinal) : "";
        return $"Shall I pass this on: {slots[SlotKeys.Name]}, {slots[SlotKeys.Email]}, {slots[SlotKeys.Company]}{need}? yes/no";
    }

    public override async Task ExecuteAsync(FormTurn turn, CancellationToken ct)
    {
        var slots = turn.State.Slots;
        var notes = string.Join("\n", new[] { slots.GetValueOrDefault(RequestSlot), slots.GetValueOrDefault(SlotKeys.Need) }.OfType<string>());
        if (await turn.EnsureLeadAsync(notes.Length > 0 ? notes : null) is null)
        {
            return;
        }

        turn.State.ClearTask();
        turn.Say("Thanks! I've passed it on; a colleague will get in touch soon.");
        turn.Say("Would you like to book a meeting right away?");
        turn.Suggestions = ["Book a meeting tomorrow", "No, thanks"];
    }
}
