using System.Globalization;
using CrmChatbot.Chat.Language;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Meetings;
using CrmChatbot.Tickets;
using CrmChatbot.Users;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Chat.Dialogue;

/// <summary>
/// The CRM assistant: one call per user message. Reads the message with the <see cref="LanguageEngine"/>,
/// collects the slots a task needs one question at a time, confirms, then acts through the same grains as
/// the REST API with the chatbot as author. Deterministic: same state, text and clock give the same turn.
/// </summary>
public sealed partial class DialogueManager(
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

    /// <summary>Internal slot: the meeting a cancel_meeting task resolved to.</summary>
    private const string MeetingIdSlot = "meeting_id";

    private static readonly string[] LeadSlots = [SlotKeys.Name, SlotKeys.Email, SlotKeys.Company, SlotKeys.Need];
    private static readonly string[] TopSuggestions = ["Book a demo", "Open a ticket", "Talk to sales", "Talk to a human"];
    private static readonly string[] YesNo = ["yes", "no", "cancel"];

    private static readonly HashSet<Intent> TaskIntents =
        [Intent.CreateLead, Intent.BookMeeting, Intent.OpenTicket, Intent.TicketStatus, Intent.ListMeetings, Intent.CancelMeeting];

    private readonly ChatTools tools = new(grains, users, tickets, meetings, options);

    private ChatOptions Options => options.Value;

    public string Greeting(ChatUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var hello = user.Name is { Length: > 0 } name ? $"Hi {FirstName(name)}!" : "Hi there!";
        return $"{hello} I'm the CRM assistant. {Capabilities(user)} How can I help?";
    }

    public async Task<DialogueTurn> HandleAsync(DialogueState state, string text, ChatUser user, string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(user);
        var turn = new Turn(state.Copy(), user, sessionId, clock.GetUtcNow());
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

    private async Task DispatchAsync(Turn turn, Analysis analysis, CancellationToken ct)
    {
        var state = turn.State;
        switch (analysis.Intent)
        {
            case Intent.Cancel:
                turn.Say(state.PendingIntent is null ? "There's nothing in progress to cancel." : "Okay, I've dropped that.");
                state.ClearTask();
                state.HandoffOffered = false;
                turn.Say("What else can I do for you?");
                return;
            case Intent.Handoff:
                RequestHandoff(turn);
                return;
            case Intent.Help:
                turn.Say(Capabilities(turn.User));
                await AskNextAsync(turn, ct);
                return;
            case Intent.Greeting:
                turn.Say(turn.User.Name is { Length: > 0 } n ? $"Hi {FirstName(n)}!" : "Hi!");
                if (state.PendingIntent is null)
                {
                    turn.Say("How can I help you today?");
                }
                else
                {
                    await AskNextAsync(turn, ct);
                }

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
                RequestHandoff(turn);
            }
            else
            {
                turn.Say("Alright, let's keep trying. " + Capabilities(turn.User));
            }

            return;
        }

        if (state.PendingIntent is { } pending)
        {
            if (state.AwaitingConfirmation && analysis.Intent == Intent.Affirm)
            {
                await ExecuteAsync(turn, pending, ct);
                return;
            }

            var relevant = RelevantSlots(pending, analysis.Slots);
            var continues = analysis.Intent == pending || analysis.IsCorrection ||
                            (analysis.Intent is Intent.Unknown or Intent.Deny or Intent.Affirm && relevant.Count > 0);
            if (continues && relevant.Count > 0)
            {
                Merge(state, relevant);
                if (analysis.IsCorrection || state.AwaitingConfirmation)
                {
                    turn.Say("Got it, I've updated that.");
                }

                state.AwaitingConfirmation = false;
                await AskNextAsync(turn, ct);
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

            if (analysis.Intent == pending && !state.AwaitingConfirmation)
            {
                await AskNextAsync(turn, ct);
                return;
            }

            if (!TaskIntents.Contains(analysis.Intent))
            {
                Miss(turn, reAsk: true);
                await AskNextAsync(turn, ct);
                return;
            }
        }

        if (TaskIntents.Contains(analysis.Intent))
        {
            // A new request replaces whatever was in progress: people change their mind mid-way.
            state.ClearTask();
            await StartTaskAsync(turn, analysis, ct);
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

    private async Task StartTaskAsync(Turn turn, Analysis analysis, CancellationToken ct)
    {
        var state = turn.State;
        var intent = analysis.Intent;
        var user = turn.User;
        switch (intent)
        {
            case Intent.OpenTicket when !user.IsSignedIn:
                turn.Say("Support tickets are for signed-in customers: please sign in, or leave your contact details and a colleague will get back to you.");
                turn.Suggestions = ["Leave my contact details", "Talk to a human"];
                return;
            case Intent.TicketStatus:
                await TicketStatusAsync(turn, analysis.Slots, ct);
                return;
            case Intent.ListMeetings:
                await ListMeetingsAsync(turn, ct);
                return;
            default:
                break;
        }

        if (VisitorLimit(turn, intent) is { } limit)
        {
            SayLimit(turn, limit);
            return;
        }

        state.PendingIntent = intent;
        if (intent is Intent.CreateLead or Intent.BookMeeting && user.IsSignedIn)
        {
            // A signed-in user has told us who they are already.
            Prefill(state, SlotKeys.Name, user.Name);
            Prefill(state, SlotKeys.Email, user.Email);
        }

        Merge(state, RelevantSlots(intent, analysis.Slots));
        if (intent == Intent.OpenTicket && IsBareTicketRequest(state.Slots.GetValueOrDefault(SlotKeys.Description)))
        {
            state.Slots.Remove(SlotKeys.Description);
            state.Slots.Remove(SlotKeys.Subject);
        }

        await AskNextAsync(turn, ct);
    }

    /// <summary>Asks for the first missing slot of the pending task, or for confirmation when all are there.</summary>
    private async Task AskNextAsync(Turn turn, CancellationToken ct, string? orElse = null)
    {
        var state = turn.State;
        if (turn.Done)
        {
            return;
        }

        if (state.PendingIntent is not { } pending)
        {
            if (orElse is not null)
            {
                turn.Say(orElse);
            }

            return;
        }

        var missing = await MissingSlotAsync(turn, pending, ct);
        if (turn.Done)
        {
            return;
        }

        state.ExpectedSlot = missing;
        if (missing is not null)
        {
            state.AwaitingConfirmation = false;
            turn.Say(Question(turn, missing));
            return;
        }

        state.AwaitingConfirmation = true;
        turn.Say(ConfirmationQuestion(turn, pending));
        turn.Suggestions = YesNo;
    }

    private async Task<string?> MissingSlotAsync(Turn turn, Intent pending, CancellationToken ct)
    {
        var slots = turn.State.Slots;
        string? First(params string[] keys) => keys.FirstOrDefault(k => !slots.ContainsKey(k));
        switch (pending)
        {
            case Intent.CreateLead:
                return First(LeadSlots);
            case Intent.BookMeeting:
                var contact = turn.User.IsSignedIn || turn.Principal.OwnLeadId is not null ? null : First(SlotKeys.Name, SlotKeys.Email);
                return contact ?? First(SlotKeys.Start);
            case Intent.OpenTicket:
                return First(SlotKeys.Description);
            case Intent.CancelMeeting:
                return await ResolveMeetingToCancelAsync(turn, ct) ? null : SlotKeys.MeetingRef;
            default:
                return null;
        }
    }

    private string Question(Turn turn, string slot)
    {
        var slots = turn.State.Slots;
        var name = slots.TryGetValue(SlotKeys.Name, out var n) ? FirstName(n) : null;
        return slot switch
        {
            SlotKeys.Name => "May I have your name?",
            SlotKeys.Email => name is null ? "What's your email address?" : $"Thanks, {name}. What's your email address?",
            SlotKeys.Company => "Which company are you with?",
            SlotKeys.Need => "What are you interested in, or what can we help you with?",
            SlotKeys.Start when slots.TryGetValue(SlotKeys.Date, out var date) => $"What time on {LongDate(date)} suits you?",
            SlotKeys.Start => $"When would you like to meet? For example \"tomorrow at 3pm\" (times in {turn.State.TimeZone}).",
            SlotKeys.Description => "Please describe the problem in a sentence or two.",
            SlotKeys.DurationMinutes => "How long should the meeting be, e.g. \"30 minutes\" or \"1 hour\"?",
            SlotKeys.MeetingRef => "Which meeting should I cancel? Say e.g. \"the next one\" or its date.",
            _ => $"Could you give me the {slot.Replace('_', ' ')}?",
        };
    }

    private string ConfirmationQuestion(Turn turn, Intent pending)
    {
        var slots = turn.State.Slots;
        switch (pending)
        {
            case Intent.CreateLead:
                return $"Shall I pass this on: {slots[SlotKeys.Name]}, {slots[SlotKeys.Email]}, {slots[SlotKeys.Company]} — {slots[SlotKeys.Need]}? yes/no";
            case Intent.BookMeeting:
                var (start, zone) = MeetingStart(turn.State);
                return $"Shall I book a {MeetingMinutes(turn.State)}-minute meeting on {When(start, zone)}? yes/no";
            case Intent.OpenTicket:
                return $"Shall I open a ticket \"{slots[SlotKeys.Subject]}\" with {TicketPriorityOf(slots)} priority? yes/no";
            case Intent.CancelMeeting:
                return $"Shall I cancel \"{slots.GetValueOrDefault("meeting_title")}\" on {slots.GetValueOrDefault("meeting_when")}? yes/no";
            default:
                return "Shall I go ahead? yes/no";
        }
    }

    private async Task ExecuteAsync(Turn turn, Intent pending, CancellationToken ct)
    {
        switch (pending)
        {
            case Intent.CreateLead:
                await CreateLeadTaskAsync(turn);
                break;
            case Intent.BookMeeting:
                await BookMeetingAsync(turn, ct);
                break;
            case Intent.OpenTicket:
                await OpenTicketAsync(turn);
                break;
            case Intent.CancelMeeting:
                await CancelMeetingAsync(turn, ct);
                break;
            default:
                turn.State.ClearTask();
                break;
        }
    }

    private async Task CreateLeadTaskAsync(Turn turn)
    {
        var slots = turn.State.Slots;
        var leadId = await EnsureLeadAsync(turn, slots.GetValueOrDefault(SlotKeys.Need));
        if (leadId is null)
        {
            return;
        }

        turn.State.ClearTask();
        turn.Say("Thanks! I've passed it on; a colleague will get in touch soon.");
        turn.Say("Would you like to book a meeting right away?");
        turn.Suggestions = ["Book a meeting tomorrow", "No, thanks"];
    }

    /// <summary>
    /// Creates this conversation's lead from the collected slots (source chatbot; ChatTools records it as the
    /// session's own). Null after a refusal, when the turn already re-asks or explains.
    /// </summary>
    private async Task<string?> EnsureLeadAsync(Turn turn, string? notes)
    {
        var slots = turn.State.Slots;
        var outcome = await tools.CreateLeadAsync(
            turn.Principal,
            slots.GetValueOrDefault(SlotKeys.Name),
            slots.GetValueOrDefault(SlotKeys.Email),
            slots.GetValueOrDefault(SlotKeys.Phone),
            slots.GetValueOrDefault(SlotKeys.Company),
            notes);
        if (outcome.Action is { } action)
        {
            turn.Actions.Add(action);
            return action.Id;
        }

        if (ChatTools.IsLimit(outcome.Error!))
        {
            turn.State.ClearTask();
            SayLimit(turn, Intent.CreateLead);
            return null;
        }

        ReAskAfterRefusal(turn, outcome.Error!);
        return null;
    }

    private async Task BookMeetingAsync(Turn turn, CancellationToken ct)
    {
        var state = turn.State;
        var organizer = await tools.BotOwnerAsync(ct);
        if (organizer is null)
        {
            state.ClearTask();
            turn.Say("Sorry, I can't book meetings right now. Shall I ask a colleague to contact you instead?");
            state.HandoffOffered = true;
            turn.Suggestions = ["yes", "no"];
            return;
        }

        if (tools.MeetingLimit(turn.Principal) is not null)
        {
            state.ClearTask();
            SayLimit(turn, Intent.BookMeeting);
            return;
        }

        if (!turn.User.IsSignedIn && turn.Principal.OwnLeadId is null && await EnsureLeadAsync(turn, null) is null)
        {
            return;
        }

        var (start, zone) = MeetingStart(state);
        var who = turn.User.IsSignedIn ? turn.User.Name ?? turn.User.Email ?? "customer" : state.Slots.GetValueOrDefault(SlotKeys.Name) ?? "lead";
        var result = await tools.BookMeetingAsync(turn.Principal, start, MeetingMinutes(state), zone, who, turn.SessionId, organizer);
        if (result.IsSuccess)
        {
            var id = result.Value!.Id;
            state.ClearTask();
            turn.Act(DialogueActions.MeetingBooked, id);
            turn.Say($"Done — your meeting is booked for {When(start, zone)}. You'll get a reminder before it starts.");
            turn.Suggestions = ["My meetings", "Thanks"];
            return;
        }

        if (ChatTools.IsLimit(result.Error!))
        {
            state.ClearTask();
            SayLimit(turn, Intent.BookMeeting);
            return;
        }

        if (result.Error!.Kind == ErrorKind.Conflict)
        {
            state.Slots.Remove(SlotKeys.Start);
            state.Slots.Remove(SlotKeys.Date);
            state.AwaitingConfirmation = false;
            state.ExpectedSlot = SlotKeys.Start;
            turn.Say($"Sorry, {When(start, zone)} is already taken. Which other time would suit you?");
            turn.Suggestions = ["Tomorrow at 10am", "Monday at 2pm"];
            return;
        }

        ReAskAfterRefusal(turn, result.Error);
    }

    private async Task OpenTicketAsync(Turn turn)
    {
        var slots = turn.State.Slots;
        var result = await tools.OpenTicketAsync(turn.Principal, slots[SlotKeys.Subject], slots.GetValueOrDefault(SlotKeys.Description), TicketPriorityOf(slots));
        if (!result.IsSuccess)
        {
            ReAskAfterRefusal(turn, result.Error!);
            return;
        }

        var created = result.Value!;
        turn.State.ClearTask();
        turn.Act(DialogueActions.TicketCreated, created.Id);
        turn.Say($"Done — ticket {created.Number} is open with {StoredName(created.Priority)} priority. Our support team will get back to you; ask me \"status of {created.Number}\" any time.");
        turn.Suggestions = ["My tickets", "Thanks"];
    }

    private async Task TicketStatusAsync(Turn turn, IReadOnlyDictionary<string, string> slots, CancellationToken ct)
    {
        if (!turn.User.IsSignedIn)
        {
            turn.Say("To look up tickets, please sign in first — I can only show you your own tickets.");
            turn.Suggestions = ["Talk to a human"];
            return;
        }

        var viewer = Actor.User(turn.User.UserId!, turn.User.Role ?? UserRole.Client, turn.User.Name);
        if (slots.TryGetValue(SlotKeys.TicketNumber, out var number))
        {
            // Someone else's ticket reads exactly like a missing one: the answer must not reveal it exists.
            var ticket = await tools.FindTicketAsync(number, viewer, ct);
            turn.Say(ticket is null
                ? $"I can't find ticket {number} among your tickets. Please check the number."
                : $"Ticket {ticket.Number} \"{ticket.Subject}\" is {Words(StoredName(ticket.Status))} ({StoredName(ticket.Priority)} priority, last updated {When(ticket.UpdatedAt, turn.State.TimeZone)}).");
            turn.Suggestions = ["My tickets", "Open a ticket"];
            return;
        }

        var latest = await tools.LatestTicketsAsync(turn.User.UserId!, ct);
        turn.Say(latest.Count == 0
            ? "You have no tickets."
            : "Your latest tickets: " + string.Join("; ", latest.Select(t => $"{t.Number} \"{t.Subject}\" — {Words(StoredName(t.Status))}")) + ".");
        turn.Suggestions = ["Open a ticket", "Talk to a human"];
    }

    private async Task ListMeetingsAsync(Turn turn, CancellationToken ct)
    {
        var upcoming = await UpcomingMeetingsAsync(turn, ct);
        if (upcoming is null)
        {
            turn.Say("Please sign in (or book a meeting with me first) so I can find your meetings.");
            turn.Suggestions = ["Book a meeting"];
            return;
        }

        turn.Say(upcoming.Count == 0
            ? "You have no upcoming meetings."
            : "Your upcoming meetings: " + string.Join("; ", upcoming.Select(m => $"\"{m.Title}\" on {When(m.Date, turn.State.TimeZone)}")) + ".");
        turn.Suggestions = upcoming.Count == 0 ? ["Book a meeting"] : ["Cancel my next meeting", "Book a meeting"];
    }

    /// <summary>The scheduled meetings ahead of the user (or of the visitor's own lead); null when we do not know who they are.</summary>
    private Task<IReadOnlyList<MeetingDto>?> UpcomingMeetingsAsync(Turn turn, CancellationToken ct) =>
        tools.UpcomingMeetingsAsync(turn.Principal, turn.Now.UtcDateTime, ct);

    /// <summary>Picks the meeting the user means; false (with a reply) when none or several match.</summary>
    private async Task<bool> ResolveMeetingToCancelAsync(Turn turn, CancellationToken ct)
    {
        var slots = turn.State.Slots;
        if (slots.ContainsKey(MeetingIdSlot))
        {
            return true;
        }

        var upcoming = await UpcomingMeetingsAsync(turn, ct);
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
            slots["meeting_title"] = meeting.Title;
            slots["meeting_when"] = When(meeting.Date, turn.State.TimeZone);
            return true;
        }

        slots.Remove(SlotKeys.MeetingRef);
        turn.Say((matches.Count == 0 && reference is not null ? "I couldn't find that meeting. " : "") +
                 "Your upcoming meetings: " + string.Join("; ", upcoming.Select(m => $"\"{m.Title}\" on {When(m.Date, turn.State.TimeZone)}")) + ".");
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

    private async Task CancelMeetingAsync(Turn turn, CancellationToken ct)
    {
        var slots = turn.State.Slots;
        var meetingId = slots[MeetingIdSlot];
        var result = await tools.CancelMeetingAsync(turn.Principal, meetingId, ct);
        turn.State.ClearTask();
        if (!result.IsSuccess)
        {
            turn.Say("Sorry, I couldn't cancel that meeting: " + result.Error!.Message);
            return;
        }

        turn.Act(DialogueActions.MeetingCancelled, meetingId);
        turn.Say($"Done — \"{slots.GetValueOrDefault("meeting_title")}\" on {slots.GetValueOrDefault("meeting_when")} is cancelled.");
        turn.Suggestions = ["Book a meeting", "My meetings"];
    }

    /// <summary>A grain refused the command: drop the offending slot and ask for it again, naming what is wrong.</summary>
    private static void ReAskAfterRefusal(Turn turn, CommandError error)
    {
        var state = turn.State;
        state.AwaitingConfirmation = false;
        var field = error.Fields?.Keys.FirstOrDefault(f => f is SlotKeys.Name or SlotKeys.Email or SlotKeys.Phone or SlotKeys.Company
                        or SlotKeys.Subject or SlotKeys.Description or SlotKeys.DurationMinutes)
                    ?? (error.Fields?.ContainsKey("date") == true ? SlotKeys.Start : null);
        if (field is null)
        {
            state.ClearTask();
            turn.Say("Sorry, that didn't work: " + error.Message + " A colleague can help if you ask for a human.");
            return;
        }

        var problem = error.Fields![field == SlotKeys.Start ? "date" : field].FirstOrDefault() ?? "is not valid";
        state.Slots.Remove(field);
        if (field == SlotKeys.Subject)
        {
            state.Slots.Remove(SlotKeys.Description);
            field = SlotKeys.Description;
        }

        state.ExpectedSlot = field;
        var label = field == SlotKeys.DurationMinutes ? "duration" : field.Replace('_', ' ');
        turn.Say($"Hmm, that {label} won't work: {problem}. Could you give it again?");
    }

    private void Miss(Turn turn, bool reAsk)
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

    private static void RequestHandoff(Turn turn)
    {
        turn.State.ClearTask();
        turn.State.HandoffOffered = false;
        turn.State.HandoffRequested = true;
        turn.Intent = Intent.Handoff;
        turn.Act(DialogueActions.HandoffRequested, turn.SessionId);
        turn.Say("I've asked a colleague to join this chat; a human will be with you shortly.");
        turn.Suggestions = [];
    }

    /// <summary>The task a visitor's session may not start any more (its lead or meeting limit is reached); else null.</summary>
    private Intent? VisitorLimit(Turn turn, Intent intent) => intent switch
    {
        Intent.CreateLead when tools.LeadLimit(turn.Principal) is not null => Intent.CreateLead,
        Intent.BookMeeting when tools.MeetingLimit(turn.Principal) is not null => Intent.BookMeeting,
        Intent.BookMeeting when turn.Principal.OwnLeadId is null && tools.LeadLimit(turn.Principal) is not null => Intent.CreateLead,
        _ => null,
    };

    /// <summary>The polite answer when a visitor's session has created what it may: a human can still help.</summary>
    private static void SayLimit(Turn turn, Intent limited)
    {
        turn.Say(limited == Intent.BookMeeting
            ? "You already have a meeting booked from this chat, and that's as many as I can book here. If you need another time, a colleague can arrange it."
            : "I've already passed your details on from this chat, so a colleague will be in touch. If there's anything to add, I can get you a human.");
        turn.Suggestions = ["Talk to a human", "My meetings"];
        turn.Done = true;
    }

    private static string Capabilities(ChatUser user) => user.IsSignedIn
        ? "I can open a support ticket, tell you a ticket's status, list or cancel your meetings, book a meeting, answer common questions, or get you a human."
        : "I can put you in touch with sales, book a demo or meeting, answer common questions, or get you a human.";

    private static IReadOnlyList<string> DefaultSuggestions(DialogueState state) =>
        state.AwaitingConfirmation ? YesNo
        : state.PendingIntent is not null ? ["cancel", "Talk to a human"]
        : TopSuggestions;

    /// <summary>The slots of a message that belong to <paramref name="intent"/>'s task.</summary>
    private static Dictionary<string, string> RelevantSlots(Intent intent, IReadOnlyDictionary<string, string> slots)
    {
        string[] keys = intent switch
        {
            Intent.CreateLead => [.. LeadSlots, SlotKeys.Phone],
            Intent.BookMeeting => [SlotKeys.Name, SlotKeys.Email, SlotKeys.Phone, SlotKeys.Company, SlotKeys.Start, SlotKeys.Date, SlotKeys.TimeZone, SlotKeys.DurationMinutes],
            Intent.OpenTicket => [SlotKeys.Subject, SlotKeys.Description, SlotKeys.Priority],
            Intent.CancelMeeting => [SlotKeys.MeetingRef],
            _ => [],
        };
        var relevant = keys.Where(slots.ContainsKey).ToDictionary(k => k, k => slots[k], StringComparer.Ordinal);
        if (relevant.Count == 1 && relevant.ContainsKey(SlotKeys.TimeZone))
        {
            relevant.Clear(); // a zone alone is context, not an answer
        }

        return relevant;
    }

    private static void Merge(DialogueState state, Dictionary<string, string> slots)
    {
        foreach (var (key, value) in slots)
        {
            state.Slots[key] = value;
        }

        if (slots.ContainsKey(SlotKeys.Start))
        {
            state.Slots.Remove(SlotKeys.Date);
        }

        if (slots.ContainsKey(SlotKeys.MeetingRef))
        {
            state.Slots.Remove(MeetingIdSlot);
        }
    }

    private static void Prefill(DialogueState state, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            state.Slots.TryAdd(key, value);
        }
    }

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

    private static (DateTime Start, string Zone) MeetingStart(DialogueState state)
    {
        var start = DateTime.Parse(state.Slots[SlotKeys.Start], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return (start, state.Slots.GetValueOrDefault(SlotKeys.TimeZone) ?? state.TimeZone);
    }

    private int MeetingMinutes(DialogueState state) =>
        state.Slots.TryGetValue(SlotKeys.DurationMinutes, out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out var minutes) && minutes > 0
            ? minutes
            : Options.DefaultMeetingMinutes;

    private static TicketPriority TicketPriorityOf(IReadOnlyDictionary<string, string> slots) => slots.GetValueOrDefault(SlotKeys.Priority) switch
    {
        "urgent" => TicketPriority.Urgent,
        "high" => TicketPriority.High,
        "low" => TicketPriority.Low,
        _ => TicketPriority.Medium,
    };

    /// <summary>"I want to open a ticket" says what to do, not what is wrong: the description is still to ask.</summary>
    private static bool IsBareTicketRequest(string? description) =>
        description is null || !WordRegex().Matches(description.ToLowerInvariant()).Any(m => !TicketRequestWords.Contains(m.Value));

    private static readonly HashSet<string> TicketRequestWords = new(StringComparer.Ordinal)
    {
        "i", "i'd", "id", "we", "want", "wanna", "would", "like", "need", "to", "open", "create", "raise", "file", "submit", "log", "make",
        "a", "an", "new", "support", "ticket", "tickets", "case", "request", "please", "pls", "can", "could", "you", "me", "help", "hi", "hello",
        "hey", "report", "issue", "problem", "bug", "there", "is", "have", "got", "with", "for",
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"[a-z']+")]
    private static partial System.Text.RegularExpressions.Regex WordRegex();

    private static string When(DateTime utc, string zoneId)
    {
        var zone = TimeZones.Find(zoneId) ?? TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        return local.ToString("ddd d MMM yyyy 'at' HH:mm", CultureInfo.InvariantCulture) + $" ({(TimeZones.Find(zoneId) is null ? "UTC" : zoneId)})";
    }

    private static string LongDate(string isoDate) =>
        DateOnly.TryParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)
            : isoDate;

    private static string FirstName(string name) => name.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? name;

    /// <summary>An enum as the API spells it (snake_case).</summary>
    private static string StoredName<T>(T value) where T : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static string Words(string snake) => snake.Replace('_', ' ');

    /// <summary>What one call produces, built up as the handlers run.</summary>
    private sealed class Turn(DialogueState state, ChatUser user, string sessionId, DateTimeOffset now)
    {
        public DialogueState State { get; } = state;
        public ChatUser User { get; } = user;

        /// <summary>Whom the tools act for: built from this turn's user and state (the session grain's), never from text.</summary>
        public ChatPrincipal Principal { get; } = new(user, state);
        public string SessionId { get; } = sessionId;
        public DateTimeOffset Now { get; } = now;
        public Intent Intent { get; set; }
        public IReadOnlyDictionary<string, string> Slots { get; set; } = new Dictionary<string, string>();
        public List<string> Reply { get; } = [];
        public List<DialogueAction> Actions { get; } = [];
        public IReadOnlyList<string>? Suggestions { get; set; }

        /// <summary>A handler already answered fully; callers add no further question.</summary>
        public bool Done { get; set; }

        public void Say(string text) => Reply.Add(text);

        public void Act(string type, string id) => Actions.Add(new DialogueAction(type, id));
    }
}
