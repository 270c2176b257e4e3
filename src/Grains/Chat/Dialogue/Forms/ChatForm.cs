using System.Reflection;
using CrmChatbot.Chat.Language;

namespace CrmChatbot.Chat.Dialogue.Forms;

/// <summary>
/// One task of the assistant (the pattern Rasa calls a form): which slots it takes from a message, which it
/// requires and how it asks for them, how it confirms, and the action it runs through <see cref="ChatTools"/>.
/// The <see cref="DialogueManager"/> only picks the active form, fills its slots and handles cancel, correction and
/// fallback for all of them. Forms are stateless singletons found by reflection: adding an intent is one new
/// subclass (plus its <see cref="Intent"/> value and corpus examples).
/// </summary>
internal abstract class ChatForm
{
    private static readonly string[] YesNo = ["yes", "no", "cancel"];

    public abstract Intent Intent { get; }

    /// <summary>The slots, in the order they are asked, that must be known before confirming.</summary>
    protected virtual IReadOnlyList<string> Required => [];

    /// <summary>Every slot a message may fill for this form (the required ones and optional extras).</summary>
    protected virtual IReadOnlyList<string> Accepted => Required;

    /// <summary>Runs at once when asked for: no slots, no confirmation (a lookup).</summary>
    public virtual bool Immediate => false;

    /// <summary>Also runs while another form is active, which it replaces (asking for a human).</summary>
    public virtual bool Interrupts => false;

    /// <summary>What the assistant says it can do for this user with this form ("open a support ticket"); null: nothing to list.</summary>
    public virtual string? Capability(ChatUser user) => null;

    /// <summary>The form as a tool of the language-model assistant (<c>Chat/Llm</c>): its name, the intent in snake case.</summary>
    public virtual string ToolName => ChatText.StoredName(Intent);

    /// <summary>What the tool does, told to the model.</summary>
    public abstract string ToolDescription { get; }

    /// <summary>The tool's parameters: the slots a message may fill, each with what the model should put there.</summary>
    public IReadOnlyDictionary<string, string> ToolParameters =>
        Accepted.ToDictionary(k => k, k => SlotHints.GetValueOrDefault(k) ?? ChatText.Words(k), StringComparer.Ordinal);

    private static readonly Dictionary<string, string> SlotHints = new(StringComparer.Ordinal)
    {
        [SlotKeys.Name] = "Full name",
        [SlotKeys.Email] = "Email address",
        [SlotKeys.Phone] = "Phone number, with the country code",
        [SlotKeys.Company] = "Company",
        [SlotKeys.Need] = "What they are interested in",
        [SlotKeys.Subject] = "Short subject",
        [SlotKeys.Description] = "What is wrong",
        [SlotKeys.Priority] = "low, normal, high or urgent",
        [SlotKeys.Start] = "Start in UTC, ISO 8601, e.g. 2030-01-15T14:00:00Z",
        [SlotKeys.Date] = "Day (yyyy-MM-dd) when no time is known yet",
        [SlotKeys.TimeZone] = "The user's IANA time zone",
        [SlotKeys.DurationMinutes] = "Length in minutes",
        [SlotKeys.MeetingRef] = "Which meeting: \"next\", or \"date:yyyy-MM-dd\" and/or \"time:HH:mm\" in the user's time zone",
        [SlotKeys.TicketNumber] = "Ticket number (e.g. T-1042); empty for the latest tickets",
    };

    /// <summary>Order of <see cref="Capability"/> in the help text.</summary>
    public virtual int Order => 100;

    /// <summary>False when this user may not start the form now; the turn then already says why.</summary>
    public virtual bool MayStart(FormTurn turn) => true;

    /// <summary>Slots known without asking (a signed-in user's name and email).</summary>
    public virtual void Prefill(FormTurn turn)
    {
    }

    /// <summary>A signed-in user has told us who they are already.</summary>
    protected static void PrefillContact(FormTurn turn)
    {
        if (!turn.User.IsSignedIn)
        {
            return;
        }

        foreach (var (key, value) in new[] { (SlotKeys.Name, turn.User.Name), (SlotKeys.Email, turn.User.Email) })
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                turn.State.Slots.TryAdd(key, value);
            }
        }
    }

    /// <summary>After the opening message's slots are merged: drop what only looked like an answer.</summary>
    public virtual void Started(FormTurn turn)
    {
    }

    /// <summary>
    /// Starts this form for the user, the one way both assistants (<see cref="DialogueManager"/> and the language-model
    /// tools) do it: may the user start it; an <see cref="Immediate"/> form runs at once; otherwise it replaces any task
    /// in progress, takes the slots known without asking and those of <paramref name="slots"/> that belong to it, and
    /// <see cref="Started"/> drops what only looked like an answer. True when the form is now the task in progress
    /// (the caller asks or runs it next); false when the turn already says what happened.
    /// </summary>
    public async Task<bool> StartAsync(FormTurn turn, IReadOnlyDictionary<string, string> slots, CancellationToken ct)
    {
        if (!MayStart(turn))
        {
            return false;
        }

        if (Immediate)
        {
            await ExecuteAsync(turn, ct);
            return false;
        }

        turn.State.ClearTask();
        turn.State.PendingIntent = Intent;
        Prefill(turn);
        Merge(turn.State, Relevant(slots));
        Started(turn);
        return true;
    }

    /// <summary>The slots of a message that belong to this form.</summary>
    public Dictionary<string, string> Relevant(IReadOnlyDictionary<string, string> slots)
    {
        var relevant = Accepted.Where(slots.ContainsKey).ToDictionary(k => k, k => slots[k], StringComparer.Ordinal);
        if (relevant.Count == 1 && relevant.ContainsKey(SlotKeys.TimeZone))
        {
            relevant.Clear(); // a zone alone is context, not an answer
        }

        return relevant;
    }

    /// <summary>Stores answered slots; an answer replaces the earlier value (a correction) and keeps the others.</summary>
    public virtual void Merge(DialogueState state, IReadOnlyDictionary<string, string> slots)
    {
        foreach (var (key, value) in slots)
        {
            state.Slots[key] = value;
        }

        if (slots.ContainsKey(SlotKeys.Start))
        {
            state.Slots.Remove(SlotKeys.Date);
        }
    }

    /// <summary>The next slot to ask for, or null when the form can confirm. May answer the turn itself (then sets Done).</summary>
    public virtual Task<string?> MissingSlotAsync(FormTurn turn, CancellationToken ct) =>
        Task.FromResult(Required.FirstOrDefault(k => !turn.State.Slots.ContainsKey(k)));

    /// <summary>The question for <paramref name="slot"/>.</summary>
    public virtual string Ask(FormTurn turn, string slot)
    {
        var slots = turn.State.Slots;
        var name = slots.TryGetValue(SlotKeys.Name, out var n) ? ChatText.FirstName(n) : null;
        return slot switch
        {
            SlotKeys.Name => "May I have your name?",
            SlotKeys.Email => name is null ? "What's your email address?" : $"Thanks, {name}. What's your email address?",
            SlotKeys.Company => "Which company are you with?",
            SlotKeys.Description => "Please describe the problem in a sentence or two.",
            SlotKeys.DurationMinutes => "How long should the meeting be, e.g. \"30 minutes\" or \"1 hour\"?",
            _ => $"Could you give me the {slot.Replace('_', ' ')}?",
        };
    }

    /// <summary>The slot a free-text message at the confirmation adds to (a ticket's description); null: the form takes none.</summary>
    protected virtual string? FreeTextSlot => null;

    /// <summary>Slots a free-text message may fill besides <see cref="FreeTextSlot"/> ("urgent" in a problem report).</summary>
    protected virtual IReadOnlyList<string> FreeTextExtras => [];

    /// <summary>Fewest words a message needs to be taken as free text ("hmm ok" is not more description).</summary>
    public const int MinFreeTextWords = 3;

    /// <summary>
    /// A message at the confirmation that is neither yes/no, a correction nor another request: appended to the
    /// form's <see cref="FreeTextSlot"/> (with the extras it carries) when the form has one. False when the form takes
    /// no free text, the message is too short, or it answers another slot (then it is a correction, not more text).
    /// </summary>
    public bool TakeFreeText(DialogueState state, string text, IReadOnlyDictionary<string, string> relevant)
    {
        if (FreeTextSlot is not { } slot || !IsFreeText(text) || relevant.Keys.Any(k => !FreeTextExtras.Contains(k)))
        {
            return false;
        }

        state.Slots[slot] = state.Slots.TryGetValue(slot, out var earlier) ? earlier + "\n" + text : text;
        Merge(state, relevant);
        return true;
    }

    /// <summary>Whether <paramref name="text"/> says enough to be added as free text.</summary>
    protected virtual bool IsFreeText(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(w => w.Any(char.IsLetter)) >= MinFreeTextWords;

    /// <summary>The yes/no question before acting.</summary>
    public virtual string Confirmation(FormTurn turn) => "Shall I go ahead? yes/no";

    /// <summary>The action (confirmed, or at once for an <see cref="Immediate"/> form); clears the task when done.</summary>
    public abstract Task ExecuteAsync(FormTurn turn, CancellationToken ct);

    /// <summary>Asks for the first missing slot, or for confirmation when all are there.</summary>
    public async Task AskNextAsync(FormTurn turn, CancellationToken ct)
    {
        var state = turn.State;
        var missing = await MissingSlotAsync(turn, ct);
        if (turn.Done)
        {
            return;
        }

        state.ExpectedSlot = missing;
        if (missing is not null)
        {
            state.AwaitingConfirmation = false;
            turn.Say(Ask(turn, missing));
            return;
        }

        state.AwaitingConfirmation = true;
        turn.Say(Confirmation(turn));
        turn.Suggestions = YesNo;
    }

    /// <summary>Every form of this assembly, one instance each, keyed by intent.</summary>
    public static IReadOnlyDictionary<Intent, ChatForm> All { get; } = typeof(ChatForm).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(ChatForm)) && !t.IsAbstract)
        .Select(t => (ChatForm)Activator.CreateInstance(t, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, null, null)!)
        .ToDictionary(f => f.Intent);
}
