using CrmChatbot.Chat.Language;

namespace CrmChatbot.Chat.Dialogue.Forms;

/// <summary>A sales enquiry: name, email, company and need, then the lead (source chatbot) for staff to follow up.</summary>
internal sealed class CreateLeadForm : ChatForm
{
    public override Intent Intent => Intent.CreateLead;

    protected override IReadOnlyList<string> Required { get; } = [SlotKeys.Name, SlotKeys.Email, SlotKeys.Company, SlotKeys.Need];

    protected override IReadOnlyList<string> Accepted { get; } = [SlotKeys.Name, SlotKeys.Email, SlotKeys.Company, SlotKeys.Need, SlotKeys.Phone];

    public override int Order => 5;

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

    public override string Ask(FormTurn turn, string slot) => slot == SlotKeys.Need
        ? "What are you interested in, or what can we help you with?"
        : base.Ask(turn, slot);

    public override string Confirmation(FormTurn turn)
    {
        var slots = turn.State.Slots;
        return $"Shall I pass this on: {slots[SlotKeys.Name]}, {slots[SlotKeys.Email]}, {slots[SlotKeys.Company]} — {slots[SlotKeys.Need]}? yes/no";
    }

    public override async Task ExecuteAsync(FormTurn turn, CancellationToken ct)
    {
        if (await turn.EnsureLeadAsync(turn.State.Slots.GetValueOrDefault(SlotKeys.Need)) is null)
        {
            return;
        }

        turn.State.ClearTask();
        turn.Say("Thanks! I've passed it on; a colleague will get in touch soon.");
        turn.Say("Would you like to book a meeting right away?");
        turn.Suggestions = ["Book a meeting tomorrow", "No, thanks"];
    }
}
