using System.Globalization;
using CrmChatbot.Chat.Language;
using CrmChatbot.Meetings;

namespace CrmChatbot.Chat.Dialogue.Forms;

/// <summary>Cancels one of the principal's upcoming meetings: "the next one", a day or a time picks it.</summary>
internal sealed class CancelMeetingForm : ChatForm
{
    /// <summary>Internal slot: the meeting the reference resolved to.</summary>
    private const string MeetingIdSlot = "meeting_id";
    private const string TitleSlot = "meeting_title";
    private const string WhenSlot = "meeting_when";

    public override Intent Intent => Intent.CancelMeeting;

    protected override IReadOnlyList<string> Accepted { get; } = [SlotKeys.MeetingRef];

    public override string ToolDescription => "Cancel one of the user's upcoming meetings (list_meetings shows them).";

    public override void Merge(DialogueState state, IReadOnlyDictionary<string, string> slots)
    {
        base.Merge(state, slots);
        if (slots.ContainsKey(SlotKeys.MeetingRef))
        {
            state.Slots.Remove(MeetingIdSlot);
        }
    }

    public override async Task<string?> MissingSlotAsync(FormTurn turn, CancellationToken ct) =>
        await ResolveAsync(turn, ct) ? null : SlotKeys.MeetingRef;

    public override string Ask(FormTurn turn, string slot) => slot == SlotKeys.MeetingRef
        ? "Which meeting should I cancel? Say e.g. \"the next one\" or its date."
        : base.Ask(turn, slot);

    public override string Confirmation(FormTurn turn) =>
        $"Shall I cancel \"{turn.State.Slots.GetValueOrDefault(TitleSlot)}\" on {turn.State.Slots.GetValueOrDefault(WhenSlot)}? yes/no";

    public override async Task ExecuteAsync(FormTurn turn, CancellationToken ct)
    {
        var slots = turn.State.Slots;
        var meetingId = slots[MeetingIdSlot];
        var result = await turn.Tools.CancelMeetingAsync(turn.Principal, meetingId, ct);
        turn.State.ClearTask();
        if (!result.IsSuccess)
        {
            turn.Say("Sorry, I couldn't cancel that meeting: " + result.Error!.Message);
            return;
        }

        turn.Act(DialogueActions.MeetingCancelled, meetingId);
        turn.Say($"Done — \"{slots.GetValueOrDefault(TitleSlot)}\" on {slots.GetValueOrDefault(WhenSlot)} is cancelled.");
        turn.Suggestions = ["Book a meeting", "My meetings"];
    }

    /// <summary>Picks the meeting the user means; false (with a reply) when none or several match.</summary>
    private static async Task<bool> ResolveAsync(FormTurn turn, CancellationToken ct)
    {
        var slots = turn.State.Slots;
        if (slots.ContainsKey(MeetingIdSlot))
        {
            return true;
        }

        var upcoming = await turn.UpcomingMeetingsAsync(ct);
        if (upcoming is null || upcoming.Count == 0)
        {
            turn.State.ClearTask();
            turn.Say(upcoming is null ? "Please sign in so I can find your meetings." : "You have no upcoming meetings to cancel.");
            turn.Done = true;
            return false;
        }

        var zone = TimeZones.Find(turn.State.TimeZone) ?? TimeZoneInfo.Utc;
        var matches = slots.TryGetValue(SlotKeys.MeetingRef, out var reference)
            ? upcoming.Where(m => Matches(m, reference, zone)).ToList()
            : [.. upcoming];
        if (reference == "next" && matches.Count > 0)
        {
            matches = [matches[0]];
        }

        if (matches.Count == 1)
        {
            var meeting = matches[0];
            slots[MeetingIdSlot] = meeting.Id;
            slots[TitleSlot] = meeting.Title;
            slots[WhenSlot] = ChatText.When(meeting.Date, turn.State.TimeZone);
            return true;
        }

        slots.Remove(SlotKeys.MeetingRef);
        turn.Say((matches.Count == 0 && reference is not null ? "I couldn't find that meeting. " : "") +
                 "Your upcoming meetings: " + ChatText.MeetingList(upcoming, turn.State.TimeZone) + ".");
        return false;
    }

    private static bool Matches(MeetingDto meeting, string reference, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(meeting.Date, DateTimeKind.Utc), zone);
        return reference.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(part => part switch
        {
            "next" => true,
            _ when part.StartsWith("date:", StringComparison.Ordinal) => local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == part[5..],
            _ when part.StartsWith("time:", StringComparison.Ordinal) => local.ToString("HH:mm", CultureInfo.InvariantCulture) == part[5..],
            _ => false,
        });
    }
}
