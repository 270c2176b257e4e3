using System.Globalization;
using CrmChatbot.Chat.Language;
using CrmChatbot.Common;
using CrmChatbot.Meetings;

namespace CrmChatbot.Chat.Dialogue.Forms;

/// <summary>
/// One call of the dialogue manager, built up as the manager and the active form run: the conversation's state (a
/// copy), who is chatting, the reply, the actions done and the tools every CRM change goes through.
/// </summary>
internal sealed class FormTurn(DialogueState state, ChatUser user, string sessionId, DateTimeOffset now, ChatTools tools, ChatOptions options, string text = "")
{
    public DialogueState State { get; } = state;

    /// <summary>The user's message as typed (trimmed).</summary>
    public string Text { get; } = text.Trim();
    public ChatUser User { get; } = user;

    /// <summary>Whom the tools act for: built from this turn's user and state (the session grain's), never from text.</summary>
    public ChatPrincipal Principal { get; } = new(user, state);
    public string SessionId { get; } = sessionId;
    public DateTimeOffset Now { get; } = now;
    public ChatTools Tools { get; } = tools;
    public ChatOptions Options { get; } = options;
    public Intent Intent { get; set; }

    /// <summary>The slots the engine read in this message.</summary>
    public IReadOnlyDictionary<string, string> Slots { get; set; } = new Dictionary<string, string>();
    public List<string> Reply { get; } = [];
    public List<DialogueAction> Actions { get; } = [];
    public IReadOnlyList<string>? Suggestions { get; set; }

    /// <summary>A handler already answered fully; callers add no further question.</summary>
    public bool Done { get; set; }

    public void Say(string text) => Reply.Add(text);

    public void Act(string type, string id) => Actions.Add(new DialogueAction(type, id));

    /// <summary>Hands the conversation to a human: drops the task, records the request and the action.</summary>
    public void RequestHandoff()
    {
        State.ClearTask();
        State.HandoffOffered = false;
        State.HandoffRequested = true;
        Intent = Intent.Handoff;
        Act(DialogueActions.HandoffRequested, SessionId);
        Say("I've asked a colleague to join this chat; a human will be with you shortly.");
        Suggestions = [];
    }

    /// <summary>The polite answer when a visitor's session has created what it may: a human can still help.</summary>
    public void SayLimit(Intent limited)
    {
        Say(limited == Intent.BookMeeting
            ? "You already have a meeting booked from this chat, and that's as many as I can book here. If you need another time, a colleague can arrange it."
            : "I've already passed your details on from this chat, so a colleague will be in touch. If there's anything to add, I can get you a human.");
        Suggestions = ["Talk to a human", "My meetings"];
        Done = true;
    }

    /// <summary>
    /// Creates this conversation's lead from the collected slots (source chatbot; ChatTools records it as the
    /// session's own). Null after a refusal, when the turn already re-asks or explains.
    /// </summary>
    public async Task<string?> EnsureLeadAsync(string? notes)
    {
        var slots = State.Slots;
        var outcome = await Tools.CreateLeadAsync(
            Principal,
            slots.GetValueOrDefault(SlotKeys.Name),
            slots.GetValueOrDefault(SlotKeys.Email),
            slots.GetValueOrDefault(SlotKeys.Phone),
            slots.GetValueOrDefault(SlotKeys.Company),
            notes);
        if (outcome.Action is { } action)
        {
            Actions.Add(action);
            return action.Id;
        }

        if (ChatTools.IsLimit(outcome.Error!))
        {
            State.ClearTask();
            SayLimit(Intent.CreateLead);
            return null;
        }

        ReAskAfterRefusal(outcome.Error!);
        return null;
    }

    /// <summary>A grain refused the command: drop the offending slot and ask for it again, naming what is wrong.</summary>
    public void ReAskAfterRefusal(CommandError error)
    {
        State.AwaitingConfirmation = false;
        var field = error.Fields?.Keys.FirstOrDefault(f => f is SlotKeys.Name or SlotKeys.Email or SlotKeys.Phone or SlotKeys.Company
                        or SlotKeys.Subject or SlotKeys.Description or SlotKeys.DurationMinutes)
                    ?? (error.Fields?.ContainsKey("date") == true ? SlotKeys.Start : null);
        if (field is null)
        {
            State.ClearTask();
            Say("Sorry, that didn't work: " + error.Message + " A colleague can help if you ask for a human.");
            return;
        }

        var problem = error.Fields![field == SlotKeys.Start ? "date" : field].FirstOrDefault() ?? "is not valid";
        State.Slots.Remove(field);
        if (field == SlotKeys.Subject)
        {
            State.Slots.Remove(SlotKeys.Description);
            field = SlotKeys.Description;
        }

        State.ExpectedSlot = field;
        var label = field == SlotKeys.DurationMinutes ? "duration" : field.Replace('_', ' ');
        Say($"Hmm, that {label} won't work: {problem}. Could you give it again?");
    }

    /// <summary>The scheduled meetings ahead of the user (or of the visitor's own lead); null when we do not know who they are.</summary>
    public Task<IReadOnlyList<MeetingDto>?> UpcomingMeetingsAsync(CancellationToken ct) =>
        Tools.UpcomingMeetingsAsync(Principal, Now.UtcDateTime, ct);
}

/// <summary>Wording shared by the forms and the manager.</summary>
internal static class ChatText
{
    public static string When(DateTime utc, string zoneId)
    {
        var zone = TimeZones.Find(zoneId) ?? TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        return local.ToString("ddd d MMM yyyy 'at' HH:mm", CultureInfo.InvariantCulture) + $" ({(TimeZones.Find(zoneId) is null ? "UTC" : zoneId)})";
    }

    public static string LongDate(string isoDate) =>
        DateOnly.TryParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)
            : isoDate;

    public static string FirstName(string name) => name.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? name;

    /// <summary>An enum as the API spells it (snake_case).</summary>
    public static string StoredName<T>(T value) where T : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string Words(string snake) => snake.Replace('_', ' ');

    public static string MeetingList(IEnumerable<MeetingDto> meetings, string zone) =>
        string.Join("; ", meetings.Select(m => $"\"{m.Title}\" on {When(m.Date, zone)}"));
}
