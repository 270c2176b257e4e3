using System.Globalization;
using CrmChatbot.Chat.Language;
using CrmChatbot.Common;

namespace CrmChatbot.Chat.Dialogue.Forms;

/// <summary>
/// A meeting with our team: a visitor without a lead of this chat gives name and email first (the lead is made at
/// booking), then the start; booked with the bot owner as organizer.
/// </summary>
internal sealed class BookMeetingForm : ChatForm
{
    public override Intent Intent => Intent.BookMeeting;

    protected override IReadOnlyList<string> Accepted { get; } =
        [SlotKeys.Name, SlotKeys.Email, SlotKeys.Phone, SlotKeys.Company, SlotKeys.Start, SlotKeys.Date, SlotKeys.TimeZone, SlotKeys.DurationMinutes];

    public override int Order => 30;

    public override string ToolDescription =>
        "Book a meeting with our team. A visitor without a lead of this chat also gives name and email (the lead is made at booking).";

    public override string? Capability(ChatUser user) => user.IsSignedIn ? "book a meeting" : "book a demo or meeting";

    public override bool MayStart(FormTurn turn)
    {
        var tools = turn.Tools;
        Intent? limited = tools.MeetingLimit(turn.Principal) is not null ? Intent.BookMeeting
            : turn.Principal.OwnLeadId is null && tools.LeadLimit(turn.Principal) is not null ? Intent.CreateLead
            : null;
        if (limited is { } l)
        {
            turn.SayLimit(l);
            return false;
        }

        return true;
    }

    public override void Prefill(FormTurn turn) => PrefillContact(turn);

    public override Task<string?> MissingSlotAsync(FormTurn turn, CancellationToken ct)
    {
        var slots = turn.State.Slots;
        if (slots.TryGetValue(SlotKeys.Start, out var start) &&
            !DateTime.TryParse(start, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _))
        {
            slots.Remove(SlotKeys.Start); // only a tool call can bring one the engine did not write
        }

        string? First(params string[] keys) => keys.FirstOrDefault(k => !slots.ContainsKey(k));
        var contact = turn.User.IsSignedIn || turn.Principal.OwnLeadId is not null ? null : First(SlotKeys.Name, SlotKeys.Email);
        return Task.FromResult(contact ?? First(SlotKeys.Start));
    }

    public override string Ask(FormTurn turn, string slot) => slot != SlotKeys.Start ? base.Ask(turn, slot)
        : turn.State.Slots.TryGetValue(SlotKeys.Date, out var date) ? $"What time on {ChatText.LongDate(date)} suits you?"
        : $"When would you like to meet? For example \"tomorrow at 3pm\" (times in {turn.State.TimeZone}).";

    public override string Confirmation(FormTurn turn)
    {
        var (start, zone) = Start(turn.State);
        return $"Shall I book a {Minutes(turn)}-minute meeting on {ChatText.When(start, zone)}? yes/no";
    }

    public override async Task ExecuteAsync(FormTurn turn, CancellationToken ct)
    {
        var state = turn.State;
        var organizer = await turn.Tools.BotOwnerAsync(ct);
        if (organizer is null)
        {
            state.ClearTask();
            turn.Say("Sorry, I can't book meetings right now. Shall I ask a colleague to contact you instead?");
            state.HandoffOffered = true;
            turn.Suggestions = ["yes", "no"];
            return;
        }

        if (turn.Tools.MeetingLimit(turn.Principal) is not null)
        {
            state.ClearTask();
            turn.SayLimit(Intent.BookMeeting);
            return;
        }

        if (!turn.User.IsSignedIn && turn.Principal.OwnLeadId is null && await turn.EnsureLeadAsync(null) is null)
        {
            return;
        }

        var (start, zone) = Start(state);
        var who = turn.User.IsSignedIn ? turn.User.Name ?? turn.User.Email ?? "customer" : state.Slots.GetValueOrDefault(SlotKeys.Name) ?? "lead";
        var result = await turn.Tools.BookMeetingAsync(turn.Principal, start, Minutes(turn), zone, who, turn.SessionId, organizer);
        if (result.IsSuccess)
        {
            var id = result.Value!.Id;
            state.ClearTask();
            turn.Act(DialogueActions.MeetingBooked, id);
            turn.Say($"Done — your meeting is booked for {ChatText.When(start, zone)}. You'll get a reminder before it starts.");
            turn.Suggestions = ["My meetings", "Thanks"];
            return;
        }

        if (ChatTools.IsLimit(result.Error!))
        {
            state.ClearTask();
            turn.SayLimit(Intent.BookMeeting);
            return;
        }

        if (result.Error!.Kind == ErrorKind.Conflict)
        {
            state.Slots.Remove(SlotKeys.Start);
            state.Slots.Remove(SlotKeys.Date);
            state.AwaitingConfirmation = false;
            state.ExpectedSlot = SlotKeys.Start;
            turn.Say($"Sorry, {ChatText.When(start, zone)} is already taken. Which other time would suit you?");
            turn.Suggestions = ["Tomorrow at 10am", "Monday at 2pm"];
            return;
        }

        turn.ReAskAfterRefusal(result.Error);
    }

    private static (DateTime Start, string Zone) Start(DialogueState state)
    {
        var start = DateTime.Parse(state.Slots[SlotKeys.Start], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return (start, state.Slots.GetValueOrDefault(SlotKeys.TimeZone) ?? state.TimeZone);
    }

    private static int Minutes(FormTurn turn) =>
        turn.State.Slots.TryGetValue(SlotKeys.DurationMinutes, out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out var minutes) && minutes > 0
            ? minutes
            : turn.Options.DefaultMeetingMinutes;
}
