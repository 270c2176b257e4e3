using System.Globalization;
using CrmChatbot.Chat.Dialogue.Forms;
using CrmChatbot.Chat.Language;
using CrmChatbot.Meetings;
using CrmChatbot.Tickets;
using CrmChatbot.Users;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Chat.Dialogue;

/// <summary>
/// The CRM assistant: one call per user message. Reads the message with the <see cref="LanguageEngine"/>, picks the
/// form (<see cref="ChatForm"/>) of the task asked for, fills its slots one question at a time, confirms, then lets
/// the form act through <see cref="ChatTools"/> (the same grains as the REST API, the chatbot as author). Cancel,
/// corrections, small talk and fallback are handled here, the same way for every form. Deterministic: same state,
/// text and clock give the same turn.
/// </summary>
public sealed class DialogueManager(
    LanguageEngine engine,
    FaqKnowledge faq,
    IGrainFactory grains,
    IUserQueries users,
    ITicketQueries tickets,
    IMeetingQueries meetings,
    TimeProvider clock,
    IOptions<ChatOptions> options) : IDialogueManager
{
    /// <summary>The slot the engine is told is expected while a yes/no is pending.</summary>
    private const string ConfirmSlot = "confirm";

    private static readonly string[] TopSuggestions = ["Book a demo", "Open a ticket", "Talk to sales", "Talk to a human"];
    private static readonly string[] YesNo = ["yes", "no", "cancel"];

    private static readonly IReadOnlyDictionary<Intent, ChatForm> Forms = ChatForm.All;

    private readonly ChatTools tools = new(grains, users, tickets, meetings, options);

    private ChatOptions Options => options.Value;

    public string Greeting(ChatUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var hello = user.Name is { Length: > 0 } name ? $"Hi {ChatText.FirstName(name)}!" : "Hi there!";
        return $"{hello} I'm the CRM assistant. {Capabilities(user)} How can I help?";
    }

    public async Task<DialogueTurn> HandleAsync(DialogueState state, string text, ChatUser user, string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(user);
        var turn = new FormTurn(state.Copy(), user, sessionId, clock.GetUtcNow(), tools, Options, text);
        var analysis = engine.Analyze(text, new ChatContext(
            turn.Now, turn.State.TimeZone, turn.State.PendingIntent,
            turn.State.AwaitingConfirmation ? ConfirmSlot : turn.State.ExpectedSlot,
            ContextSlots(turn.State), faq));
        turn.Intent = analysis.Intent;
        turn.Slots = analysis.Slots;

        await DispatchAsync(turn, analysis, cancellationToken);

        turn.State.Misses = turn.Intent == Intent.Unknown ? turn.State.Misses : 0;
        return new DialogueTurn(
            string.Join(' ', turn.Reply.Where(r => r.Length > 0)),
            turn.Intent,
            analysis.Slots,
            turn.Actions,
            turn.Suggestions ?? DefaultSuggestions(turn.State),
            turn.State.HandoffRequested,
            turn.State);
    }

    private async Task DispatchAsync(FormTurn turn, Analysis analysis, CancellationToken ct)
    {
        var state = turn.State;
        var asked = Forms.GetValueOrDefault(analysis.Intent);
        if (asked is { Interrupts: true })
        {
            await asked.ExecuteAsync(turn, ct);
            return;
        }

        switch (analysis.Intent)
        {
            case Intent.Cancel:
                turn.Say(state.PendingIntent is null ? "There's nothing in progress to cancel." : "Okay, I've dropped that.");
                state.ClearTask();
                state.HandoffOffered = false;
                turn.Say("What else can I do for you?");
                return;
            case Intent.Help:
                turn.Say(Capabilities(turn.User));
                await AskNextAsync(turn, ct);
                return;
            case Intent.Greeting:
                turn.Say(turn.User.Name is { Length: > 0 } n ? $"Hi {ChatText.FirstName(n)}!" : "Hi!");
                await AskNextAsync(turn, ct, orElse: "How can I help you today?");
                return;
            case Intent.Thanks:
                turn.Say("You're welcome!");
                await AskNextAsync(turn, ct, orElse: "Anything else I can do?");
                return;
            case Intent.Goodbye:
                state.ClearTask();
                turn.Say("Goodbye, and thanks for chatting!");
                return;
            case Intent.Faq when analysis.Faq is { } match:
                turn.Say(match.Entry.Answer);
                await AskNextAsync(turn, ct);
                return;
            default:
                break;
        }

        if (state.HandoffOffered && analysis.Intent is Intent.Affirm or Intent.Deny)
        {
            state.HandoffOffered = false;
            if (analysis.Intent == Intent.Affirm)
            {
                turn.RequestHandoff();
            }
            else
            {
                turn.Say("Alright, let's keep trying. " + Capabilities(turn.User));
            }

            return;
        }

        if (state.PendingIntent is { } pending && Forms.GetValueOrDefault(pending) is { } active)
        {
            if (state.AwaitingConfirmation && analysis.Intent == Intent.Affirm)
            {
                await active.ExecuteAsync(turn, ct);
                return;
            }

            // Answers and corrections fill the active form, whatever intent the words alone suggest; an answer
            // replaces that slot's earlier value and keeps the others.
            var relevant = active.Relevant(analysis.Slots);

            // At the confirmation, a message that is no yes/no, correction, cancel or other request is taken as what
            // it is: more of the form's free text (a ticket's description), and the form confirms again.
            if (state.AwaitingConfirmation && !analysis.IsCorrection && (analysis.Intent == pending || analysis.Intent == Intent.Unknown) &&
                active.TakeFreeText(state, turn.Text, relevant))
            {
                turn.Intent = pending;
                turn.Say("Got it, I've added that.");
                state.AwaitingConfirmation = false;
                await active.AskNextAsync(turn, ct);
                return;
            }

            var continues = analysis.Intent == pending || analysis.IsCorrection ||
                            (analysis.Intent is Intent.Unknown or Intent.Deny or Intent.Affirm && relevant.Count > 0);
            if (continues && relevant.Count > 0)
            {
                active.Merge(state, relevant);
                if (analysis.IsCorrection || state.AwaitingConfirmation)
                {
                    turn.Say("Got it, I've updated that.");
                }

                state.AwaitingConfirmation = false;
                await active.AskNextAsync(turn, ct);
                return;
            }

            if (state.AwaitingConfirmation && analysis.Intent == Intent.Deny)
            {
                state.AwaitingConfirmation = false;
                state.ExpectedSlot = null;
                turn.Say("Okay, what should I change? Or say \"cancel\" to drop it.");
                turn.Suggestions = ["cancel"];
                return;
            }

            // The task in progress asked for again, without anything new: carry on (at the confirmation, ask it again)
            // rather than start it over and lose what was collected.
            if (analysis.Intent == pending)
            {
                await active.AskNextAsync(turn, ct);
                return;
            }

            if (asked is null)
            {
                Miss(turn, reAsk: true);
                await AskNextAsync(turn, ct);
                return;
            }
        }

        if (asked is { Immediate: true } && state.PendingIntent is not null)
        {
            // A lookup (a ticket's status, the meetings ahead) is answered like a question: the task goes on.
            await asked.ExecuteAsync(turn, ct);
            await AskNextAsync(turn, ct);
            return;
        }

        if (asked is not null)
        {
            // A new task replaces whatever was in progress: people change their mind mid-way.
            state.ClearTask();
            await StartAsync(turn, asked, analysis, ct);
            return;
        }

        if (analysis.Intent is Intent.Affirm or Intent.Deny)
        {
            turn.Say(analysis.Intent == Intent.Affirm ? "Okay!" : "No problem.");
            turn.Say("What can I do for you?");
            return;
        }

        Miss(turn, reAsk: false);
    }

    private static async Task StartAsync(FormTurn turn, ChatForm form, Analysis analysis, CancellationToken ct)
    {
        if (await form.StartAsync(turn, analysis.Slots, ct))
        {
            await form.AskNextAsync(turn, ct);
        }
    }

    /// <summary>Asks the active form's next question, or says <paramref name="orElse"/> when no form is active.</summary>
    private static async Task AskNextAsync(FormTurn turn, CancellationToken ct, string? orElse = null)
    {
        if (turn.Done)
        {
            return;
        }

        if (turn.State.PendingIntent is { } pending && Forms.GetValueOrDefault(pending) is { } form)
        {
            await form.AskNextAsync(turn, ct);
        }
        else if (orElse is not null)
        {
            turn.Say(orElse);
        }
    }

    private void Miss(FormTurn turn, bool reAsk)
    {
        var state = turn.State;
        turn.Intent = Intent.Unknown;
        state.Misses++;
        if (state.Misses >= Options.MissesBeforeHandoffOffer && !state.HandoffRequested)
        {
            state.HandoffOffered = true;
            turn.Say("Sorry, I'm still not getting it. Would you like to talk to a human? yes/no");
            turn.Suggestions = ["yes", "no"];
            turn.Done = true;
            return;
        }

        turn.Say(reAsk ? "Sorry, I didn't get that." : "Sorry, I didn't get that. " + Capabilities(turn.User));
        if (!reAsk)
        {
            turn.Done = true;
        }
    }

    /// <summary>What the forms can do for this user, plus the FAQ (not a form), in one sentence.</summary>
    private static string Capabilities(ChatUser user)
    {
        var tasks = Forms.Values.Where(f => !f.Interrupts).OrderBy(f => f.Order).Select(f => f.Capability(user))
            .Append("answer common questions")
            .Concat(Forms.Values.Where(f => f.Interrupts).OrderBy(f => f.Order).Select(f => f.Capability(user)))
            .OfType<string>()
            .ToList();
        return "I can " + string.Join(", ", tasks.Take(tasks.Count - 1)) + ", or " + tasks[^1] + ".";
    }

    private static IReadOnlyList<string> DefaultSuggestions(DialogueState state) =>
        state.AwaitingConfirmation ? YesNo
        : state.PendingIntent is not null ? ["cancel", "Talk to a human"]
        : TopSuggestions;

    /// <summary>
    /// The collected slots as the engine should see them. A day given without a time is passed as that day's
    /// midnight start, so the engine's "keep the earlier day" rule combines it with the time answered next.
    /// </summary>
    private static Dictionary<string, string> ContextSlots(DialogueState state)
    {
        var slots = new Dictionary<string, string>(state.Slots, StringComparer.Ordinal);
        if (!slots.ContainsKey(SlotKeys.Start) && slots.TryGetValue(SlotKeys.Date, out var date) &&
            DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var zone = TimeZones.Find(slots.GetValueOrDefault(SlotKeys.TimeZone) ?? state.TimeZone) ?? TimeZoneInfo.Utc;
            var midnight = TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone);
            slots[SlotKeys.Start] = midnight.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }

        return slots;
    }
}
