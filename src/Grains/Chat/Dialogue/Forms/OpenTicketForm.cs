using System.Text.RegularExpressions;
using CrmChatbot.Chat.Language;
using CrmChatbot.Tickets;

namespace CrmChatbot.Chat.Dialogue.Forms;

/// <summary>A support ticket for a signed-in user: the problem (subject from its first sentence) and a priority.</summary>
internal sealed partial class OpenTicketForm : ChatForm
{
    private static readonly HashSet<string> TicketRequestWords = new(StringComparer.Ordinal)
    {
        "i", "i'd", "id", "we", "want", "wanna", "would", "like", "need", "to", "open", "create", "raise", "file", "submit", "log", "make",
        "a", "an", "new", "support", "ticket", "tickets", "case", "request", "please", "pls", "can", "could", "you", "me", "help", "hi", "hello",
        "hey", "report", "issue", "problem", "bug", "there", "is", "have", "got", "with", "for",
    };

    public override Intent Intent => Intent.OpenTicket;

    protected override IReadOnlyList<string> Required { get; } = [SlotKeys.Description];

    protected override IReadOnlyList<string> Accepted { get; } = [SlotKeys.Subject, SlotKeys.Description, SlotKeys.Priority];

    /// <summary>More detail given at the confirmation goes into the description; the subject stays.</summary>
    protected override string? FreeTextSlot => SlotKeys.Description;

    protected override IReadOnlyList<string> FreeTextExtras { get; } = [SlotKeys.Priority];

    public override int Order => 10;

    public override string ToolDescription => "Open a support ticket for the signed-in user.";

    /// <summary>A description without a subject (a tool call) gets the subject the engine would give it.</summary>
    public override void Merge(DialogueState state, IReadOnlyDictionary<string, string> slots)
    {
        base.Merge(state, slots);
        if (state.Slots.TryGetValue(SlotKeys.Description, out var description) && !state.Slots.ContainsKey(SlotKeys.Subject))
        {
            state.Slots[SlotKeys.Subject] = SlotExtractors.Subject(description);
        }
    }

    public override string? Capability(ChatUser user) => user.IsSignedIn ? "open a support ticket" : null;

    public override bool MayStart(FormTurn turn)
    {
        if (turn.User.IsSignedIn)
        {
            return true;
        }

        turn.Say("Support tickets are for signed-in customers: please sign in, or leave your contact details and a colleague will get back to you.");
        turn.Suggestions = ["Leave my contact details", "Talk to a human"];
        return false;
    }

    /// <summary>"I want to open a ticket" says what to do, not what is wrong: the description is still to ask.</summary>
    public override void Started(FormTurn turn)
    {
        var slots = turn.State.Slots;
        if (slots.GetValueOrDefault(SlotKeys.Description) is not { } description || !SaysWhatIsWrong(description))
        {
            slots.Remove(SlotKeys.Description);
            slots.Remove(SlotKeys.Subject);
        }
    }

    /// <summary>"I want to open another ticket" at the confirmation is a request, not more description.</summary>
    protected override bool IsFreeText(string text) => base.IsFreeText(text) && SaysWhatIsWrong(text);

    private static bool SaysWhatIsWrong(string text) => WordRegex().Matches(text.ToLowerInvariant()).Any(m => !TicketRequestWords.Contains(m.Value));

    public override string Confirmation(FormTurn turn) =>
        $"Shall I open a ticket \"{turn.State.Slots[SlotKeys.Subject]}\" with {PriorityOf(turn.State.Slots)} priority? yes/no";

    public override async Task ExecuteAsync(FormTurn turn, CancellationToken ct)
    {
        var slots = turn.State.Slots;
        var result = await turn.Tools.OpenTicketAsync(turn.Principal, slots[SlotKeys.Subject], slots.GetValueOrDefault(SlotKeys.Description), PriorityOf(slots));
        if (!result.IsSuccess)
        {
            turn.ReAskAfterRefusal(result.Error!);
            return;
        }

        var created = result.Value!;
        turn.State.ClearTask();
        turn.Act(DialogueActions.TicketCreated, created.Id);
        turn.Say($"Done — ticket {created.Number} is open with {ChatText.StoredName(created.Priority)} priority. Our support team will get back to you; ask me \"status of {created.Number}\" any time.");
        turn.Suggestions = ["My tickets", "Thanks"];
    }

    private static TicketPriority PriorityOf(IReadOnlyDictionary<string, string> slots) => slots.GetValueOrDefault(SlotKeys.Priority) switch
    {
        "urgent" => TicketPriority.Urgent,
        "high" => TicketPriority.High,
        "low" => TicketPriority.Low,
        _ => TicketPriority.Medium,
    };

    [GeneratedRegex(@"[a-z']+")]
    private static partial Regex WordRegex();
}
