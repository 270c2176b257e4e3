using System.ClientModel;
using System.ClientModel.Primitives;
using System.ComponentModel;
using System.Globalization;
using System.Text;
using CrmChatbot.Chat.Dialogue;
using CrmChatbot.Chat.Language;
using CrmChatbot.Common;
using CrmChatbot.Tickets;
using CrmChatbot.Users;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using AiChatOptions = Microsoft.Extensions.AI.ChatOptions;
using AiMessage = Microsoft.Extensions.AI.ChatMessage;

namespace CrmChatbot.Chat.Llm;

/// <summary>
/// The assistant backed by a language model: each turn goes to the <see cref="IChatClient"/> with the CRM tools
/// (<see cref="ChatTools"/>, the same operations and access rules as the deterministic engine). Any error, timeout
/// or empty answer hands that turn to the deterministic <see cref="DialogueManager"/>, so the chat never breaks.
/// </summary>
public sealed partial class LlmDialogueManager(
    DialogueManager fallback,
    IChatClient client,
    ChatTools tools,
    TimeProvider clock,
    LlmSettings settings,
    IOptions<Dialogue.ChatOptions> options,
    ILogger<LlmDialogueManager> logger) : IDialogueManager
{
    /// <summary>The model client for an OpenAI-compatible server, with automatic function invocation.</summary>
    public static IChatClient CreateClient(LlmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var openAi = new OpenAI.OpenAIClientOptions
        {
            Endpoint = settings.Endpoint,
            // One try per turn: a retry would only delay the fallback.
            RetryPolicy = new ClientRetryPolicy(0),
            NetworkTimeout = settings.Timeout,
        };
        return new OpenAI.Chat.ChatClient(settings.Model, new ApiKeyCredential(settings.ApiKey), openAi)
            .AsIChatClient()
            .AsBuilder()
            .UseFunctionInvocation()
            .Build();
    }

    public string Greeting(ChatUser user) => fallback.Greeting(user);

    public async Task<DialogueTurn> HandleAsync(DialogueState state, string text, ChatUser user, string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(user);
        var session = new ToolSession(tools, state.Copy(), user, sessionId, clock.GetUtcNow(), options.Value.DefaultMeetingMinutes);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        string? reply;
        try
        {
            var response = await client.GetResponseAsync(
                [new AiMessage(Microsoft.Extensions.AI.ChatRole.System, SystemPrompt(session)), new AiMessage(Microsoft.Extensions.AI.ChatRole.User, text)],
                new AiChatOptions { Tools = session.Functions(), ToolMode = ChatToolMode.Auto },
                timeout.Token);
            reply = response.Text?.Trim();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The message names the failure (status, timeout); it never contains the key.
            LogFallback(logger, ex is OperationCanceledException ? "timed out" : ex.GetType().Name + ": " + ex.Message);
            return await FallbackAsync(session, text, cancellationToken);
        }

        if (string.IsNullOrEmpty(reply))
        {
            LogFallback(logger, "empty answer");
            return await FallbackAsync(session, text, cancellationToken);
        }

        session.State.Misses = 0;
        return new DialogueTurn(reply, session.Intent, new Dictionary<string, string>(), session.Actions,
            [], session.State.HandoffRequested, session.State);
    }

    /// <summary>
    /// The deterministic engine answers the turn; anything a tool already did before the failure stays reported
    /// (actions) and remembered (the state it changed).
    /// </summary>
    private async Task<DialogueTurn> FallbackAsync(ToolSession session, string text, CancellationToken ct)
    {
        var turn = await fallback.HandleAsync(session.State, text, session.User, session.SessionId, ct);
        return session.Actions.Count == 0 ? turn : turn with { Actions = [.. session.Actions, .. turn.Actions] };
    }

    private static string SystemPrompt(ToolSession session)
    {
        var user = session.User;
        var prompt = new StringBuilder()
            .AppendLine("You are the CRM assistant of our company, chatting with a website visitor or customer. Be brief and friendly.")
            .AppendLine("You can pass a sales enquiry on (create_lead), book, list or cancel meetings, open support tickets and look up their status, or hand over to a human (request_handoff).")
            .AppendLine("Ask for missing details one at a time and confirm before acting. Only use the tools to act; never claim to have done something a tool did not confirm.")
            .AppendLine(CultureInfo.InvariantCulture, $"Current time (UTC): {session.Now:yyyy-MM-dd'T'HH:mm'Z'}. The user's time zone: {session.State.TimeZone}.")
            .AppendLine(user.IsSignedIn
                ? $"The user is signed in as {user.Name} <{user.Email}> ({user.Role?.ToString().ToLowerInvariant()})."
                : "The user is an anonymous visitor: tickets need a sign-in; to book a meeting create their lead first.");
        if (session.State.Created.Count > 0)
        {
            prompt.AppendLine("Created in this chat: " + string.Join(", ", session.State.Created.Select(c => $"{c.Key} {c.Value}")) + ".");
        }

        if (session.State.PendingIntent is { } pending)
        {
            prompt.AppendLine("Task in progress: " + pending + "; collected so far: " +
                string.Join(", ", session.State.Slots.Select(s => $"{s.Key}={s.Value}")) + ".");
        }

        return prompt.ToString();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat language model failed ({Reason}); the deterministic assistant answers this turn")]
    private static partial void LogFallback(ILogger logger, string reason);

    /// <summary>The tools of one turn: they act for this user, record actions and update this conversation's state.</summary>
    private sealed class ToolSession(ChatTools tools, DialogueState state, ChatUser user, string sessionId, DateTimeOffset now, int defaultMinutes)
    {
        public DialogueState State { get; } = state;
        public ChatUser User { get; } = user;

        /// <summary>Whom every tool acts for: the session's user and own records, never anything the model says.</summary>
        private ChatPrincipal Principal { get; } = new(user, state);
        public string SessionId { get; } = sessionId;
        public DateTimeOffset Now { get; } = now;
        public List<DialogueAction> Actions { get; } = [];
        public Intent Intent { get; private set; } = Intent.Unknown;

        public List<AITool> Functions() =>
        [
            AIFunctionFactory.Create(CreateLeadAsync, "create_lead", "Pass a sales enquiry on: records the visitor's lead."),
            AIFunctionFactory.Create(OpenTicketAsync, "open_ticket", "Open a support ticket for the signed-in user."),
            AIFunctionFactory.Create(TicketStatusAsync, "ticket_status", "Status of one of the user's tickets by number (e.g. TCK-000012), or of their latest tickets when empty."),
            AIFunctionFactory.Create(BookMeetingAsync, "book_meeting", "Book a meeting with our team."),
            AIFunctionFactory.Create(CancelMeetingAsync, "cancel_meeting", "Cancel one of the user's upcoming meetings by its id (from list_meetings)."),
            AIFunctionFactory.Create(ListMeetingsAsync, "list_meetings", "The user's upcoming meetings with their ids."),
            AIFunctionFactory.Create(RequestHandoff, "request_handoff", "Ask a human colleague to join the chat."),
        ];

        private async Task<string> CreateLeadAsync(
            [Description("Full name")] string name, [Description("Email address")] string email,
            [Description("Company")] string? company, [Description("What they are interested in")] string? need)
        {
            Intent = Intent.CreateLead;
            var outcome = await tools.CreateLeadAsync(Principal, name, email, null, company, need);
            if (outcome.Action is not { } action)
            {
                return Refused(outcome.Error!);
            }

            Actions.Add(action);
            return "Lead created; a colleague will get in touch.";
        }

        private async Task<string> OpenTicketAsync(
            [Description("Short subject")] string subject, [Description("What is wrong")] string description,
            [Description("low, medium, high or urgent")] string? priority)
        {
            Intent = Intent.OpenTicket;
            var level = Enum.TryParse<TicketPriority>(priority, ignoreCase: true, out var p) ? p : TicketPriority.Medium;
            var result = await tools.OpenTicketAsync(Principal, subject, description, level);
            if (!result.IsSuccess)
            {
                return Refused(result.Error!);
            }

            Actions.Add(new DialogueAction(DialogueActions.TicketCreated, result.Value!.Id));
            return $"Ticket {result.Value.Number} opened with {result.Value.Priority} priority.";
        }

        private async Task<string> TicketStatusAsync([Description("Ticket number; empty for the latest tickets")] string? ticket_number, CancellationToken ct)
        {
            Intent = Intent.TicketStatus;
            if (!User.IsSignedIn)
            {
                return "Refused: the user must sign in to look up tickets.";
            }

            var viewer = Actor.User(User.UserId!, User.Role ?? UserRole.Client, User.Name);
            if (!string.IsNullOrWhiteSpace(ticket_number))
            {
                var ticket = await tools.FindTicketAsync(ticket_number.Trim(), viewer, ct);
                return ticket is null
                    ? $"No ticket {ticket_number} among the user's tickets."
                    : $"Ticket {ticket.Number} \"{ticket.Subject}\": status {ticket.Status}, priority {ticket.Priority}, updated {ticket.UpdatedAt:yyyy-MM-dd HH:mm}Z.";
            }

            var latest = await tools.LatestTicketsAsync(User.UserId!, ct);
            return latest.Count == 0 ? "The user has no tickets."
                : string.Join("; ", latest.Select(t => $"{t.Number} \"{t.Subject}\" {t.Status}"));
        }

        private async Task<string> BookMeetingAsync(
            [Description("Start in UTC, ISO 8601, e.g. 2030-01-15T14:00:00Z")] string start_iso_utc,
            [Description("Length in minutes")] int? duration_minutes,
            [Description("The user's IANA time zone")] string? time_zone,
            CancellationToken ct)
        {
            Intent = Intent.BookMeeting;
            if (!DateTime.TryParse(start_iso_utc, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var start))
            {
                return "Refused: start_iso_utc is not an ISO date-time.";
            }

            if (!User.IsSignedIn && Principal.OwnLeadId is null)
            {
                return "Refused: create the visitor's lead (create_lead) first.";
            }

            if (await tools.BotOwnerAsync(ct) is not { } organizer)
            {
                return "Refused: meetings cannot be booked right now; offer a human.";
            }

            var zone = string.IsNullOrWhiteSpace(time_zone) ? State.TimeZone : time_zone.Trim();
            var who = User.IsSignedIn ? User.Name ?? User.Email ?? "customer" : "lead";
            var result = await tools.BookMeetingAsync(Principal, start, duration_minutes ?? defaultMinutes, zone, who, SessionId, organizer);
            if (!result.IsSuccess)
            {
                return Refused(result.Error!);
            }

            Actions.Add(new DialogueAction(DialogueActions.MeetingBooked, result.Value!.Id));
            return $"Meeting {result.Value.Id} booked for {start:yyyy-MM-dd HH:mm}Z.";
        }

        private async Task<string> CancelMeetingAsync([Description("The meeting id from list_meetings")] string meeting_id, CancellationToken ct)
        {
            Intent = Intent.CancelMeeting;
            // ChatTools refuses any meeting the session's principal does not own.
            var result = await tools.CancelMeetingAsync(Principal, meeting_id, ct);
            if (!result.IsSuccess)
            {
                return Refused(result.Error!);
            }

            Actions.Add(new DialogueAction(DialogueActions.MeetingCancelled, meeting_id));
            return "Meeting cancelled.";
        }

        private async Task<string> ListMeetingsAsync(CancellationToken ct)
        {
            Intent = Intent.ListMeetings;
            var upcoming = await tools.UpcomingMeetingsAsync(Principal, Now.UtcDateTime, ct);
            return upcoming is null ? "Unknown user: they must sign in or book a meeting first."
                : upcoming.Count == 0 ? "No upcoming meetings."
                : string.Join("; ", upcoming.Select(m => $"{m.Id}: \"{m.Title}\" at {m.Date:yyyy-MM-dd HH:mm}Z"));
        }

        private string RequestHandoff()
        {
            Intent = Intent.Handoff;
            State.ClearTask();
            State.HandoffRequested = true;
            Actions.Add(new DialogueAction(DialogueActions.HandoffRequested, SessionId));
            return "A colleague has been asked to join the chat.";
        }

        private static string Refused(CommandError error) =>
            "Refused: " + error.Message + (error.Fields is { Count: > 0 } fields
                ? " (" + string.Join("; ", fields.Select(f => f.Key + ": " + string.Join(", ", f.Value))) + ")"
                : "");
    }
}
