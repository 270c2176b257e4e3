using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmChatbot.Chat.Dialogue;
using CrmChatbot.Chat.Dialogue.Forms;
using CrmChatbot.Chat.Language;
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
        var session = new ToolSession(tools, state.Copy(), user, sessionId, clock.GetUtcNow(), options.Value);
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
            .AppendLine("Your tools act in the CRM: " + string.Join(", ", ChatForm.All.Values.OrderBy(f => f.Order).Select(f => f.ToolName)) + "; request_handoff hands over to a human.")
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

    /// <summary>
    /// The tools of one turn, one per form (<see cref="ChatForm.All"/>): a new form is a new tool, with nothing to edit
    /// here. A tool call fills the form's slots from the model's arguments and runs the form as the deterministic
    /// engine would (may it start, the slots still missing, its action through <see cref="ChatTools"/>), so every check
    /// and reply of the form holds for the model too; the model's call is the user's confirmation.
    /// </summary>
    private sealed class ToolSession(ChatTools tools, DialogueState state, ChatUser user, string sessionId, DateTimeOffset now, Dialogue.ChatOptions options)
    {
        public DialogueState State { get; } = state;
        public ChatUser User { get; } = user;
        public string SessionId { get; } = sessionId;
        public DateTimeOffset Now { get; } = now;
        public List<DialogueAction> Actions { get; } = [];
        public Intent Intent { get; private set; } = Intent.Unknown;

        public List<AITool> Functions() => [.. ChatForm.All.Values.OrderBy(f => f.Order).Select(f => new FormTool(f, this))];

        /// <summary>One tool call: the form's reply as the tool's result, led by what it did.</summary>
        public async Task<string> RunAsync(ChatForm form, Dictionary<string, string> slots, CancellationToken ct)
        {
            Intent = form.Intent;
            // Whom the form acts for comes from the session's user and state, never from the model's arguments.
            var turn = new FormTurn(State, User, SessionId, Now, tools, options) { Intent = form.Intent, Slots = slots };
            // Started the same way as by the deterministic engine, so a vague argument ("I want to open a ticket" as
            // the description) is dropped and asked for rather than stored.
            if (await form.StartAsync(turn, slots, ct))
            {
                var missing = await form.MissingSlotAsync(turn, ct);
                if (!turn.Done)
                {
                    if (missing is null)
                    {
                        await form.ExecuteAsync(turn, ct);
                    }
                    else
                    {
                        turn.Say($"Not done: {missing} is missing. {form.Ask(turn, missing)}");
                    }
                }

                // The model holds the conversation: a tool call is all or nothing, no task stays half-filled.
                State.ClearTask();
            }

            Actions.AddRange(turn.Actions);
            var done = turn.Actions.Count == 0 ? "" : "Done: " + string.Join(", ", turn.Actions.Select(a => $"{a.Type} {a.Id}")) + ". ";
            return done + string.Join(' ', turn.Reply.Where(r => r.Length > 0));
        }
    }

    /// <summary>A form as a function the model may call: the form's slots are its (string) parameters.</summary>
    private sealed class FormTool(ChatForm form, ToolSession session) : AIFunction
    {
        public override string Name => form.ToolName;

        public override string Description => form.ToolDescription;

        public override JsonElement JsonSchema { get; } = JsonSerializer.SerializeToElement(new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject(form.ToolParameters.Select(p =>
                KeyValuePair.Create<string, JsonNode?>(p.Key, new JsonObject { ["type"] = "string", ["description"] = p.Value }))),
        });

        protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
        {
            // Only the form's own parameters count; numbers and the like are taken as their text.
            var slots = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in arguments)
            {
                var text = value switch
                {
                    null => null,
                    JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
                    JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
                    JsonElement e => e.GetRawText(),
                    _ => Convert.ToString(value, CultureInfo.InvariantCulture),
                };
                if (form.ToolParameters.ContainsKey(key) && !string.IsNullOrWhiteSpace(text))
                {
                    slots[key] = text.Trim();
                }
            }

            return await session.RunAsync(form, slots, cancellationToken);
        }
    }
}
