using CrmChatbot.Chat.Dialogue;
using CrmChatbot.Common;
using CrmChatbot.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace CrmChatbot.Chat.Sessions;

/// <summary>
/// One conversation. The owner's messages go to the assistant (<see cref="IDialogueManager"/>) until a
/// hand-off; then they wait for, and go to, an agent. Every change is persisted before it is answered.
/// A durable reminder closes the session once it has been idle for <see cref="ChatSessionOptions.IdleTimeout"/>.
/// </summary>
public sealed class ChatSessionGrain(
    IChatSessionStore store,
    [PersistentState(ChatStorage.Dialogues, StorageNames.Crm)] IPersistentState<DialogueState> dialogue,
    IServiceProvider services,
    TimeProvider clock,
    IOptions<ChatSessionOptions> options) : Grain, IChatSessionGrain, IRemindable
{
    public const string IdleReminder = "chat_idle";

    // Through the session store (not a plain persistent state): a hand-off's event and the archived messages are
    // stored in the session's write.
    private readonly GrainState<ChatSessionState> session = new(new ChatSessionState());

    // The archived messages the API can still show (the newest up to ChatLimits.TranscriptMessages), oldest first:
    // read once at activation, then extended by each write. Older rows stay in the store (a CRM keeps transcripts)
    // and are never read.
    private readonly List<ChatMessage> archived = [];

    private string Id => this.GetPrimaryKeyString();

    private ChatSessionState Current => session.State!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await store.ReadAsync(this.GetGrainId(), session);
        if (session.RecordExists)
        {
            archived.AddRange(await store.ReadArchiveTailAsync(Id, ChatLimits.TranscriptMessages, cancellationToken));
        }

        await base.OnActivateAsync(cancellationToken);
    }

    private TimeSpan IdleTimeout => options.Value.IdleTimeout;

    // Resolved on use: the assistant is registered by the dialogue feature (tests register a double).
    private IDialogueManager Assistant => services.GetRequiredService<IDialogueManager>();

    public async Task<CommandResult<ChatSessionDto>> StartAsync(ChatCaller owner, string timeZone)
    {
        if (session.RecordExists)
        {
            return CommandError.Conflict($"Chat session '{Id}' already exists.");
        }

        if (owner.User is null && string.IsNullOrEmpty(owner.Token))
        {
            return CommandError.Invalid("session_token", "A visitor session needs a token.");
        }

        var now = Timestamps.Now(clock);
        var user = ToChatUser(owner);
        var next = new ChatSessionState
        {
            OwnerUserId = owner.User?.UserId,
            OwnerName = owner.User?.Name,
            OwnerEmail = owner.Email,
            OwnerTokenHash = owner.User is null ? ChatSessionRules.HashToken(owner.Token!) : null,
            TimeZone = timeZone,
            CreatedAt = now,
            UpdatedAt = now,
            LastActivityAt = now,
        };
        ChatSessionRules.Append(next, ChatRole.Bot, Assistant.Greeting(user), now, null, "assistant");
        await SaveDialogueAsync(new DialogueState { TimeZone = timeZone });
        await SaveAsync(next);
        await this.RegisterOrUpdateReminder(IdleReminder, IdleTimeout, ChatSessionRules.ReminderPeriod(IdleTimeout));
        return CommandResult<ChatSessionDto>.Ok(Dto());
    }

    public Task<ChatSessionDto?> GetAsync(ChatCaller caller) =>
        Task.FromResult(session.RecordExists && ChatSessionRules.CanSee(caller, Current) ? Dto() : null);

    public async Task<CommandResult<ChatTurnResult>> SendAsync(ChatCaller caller, string text)
    {
        if (Check(caller) is { } refused)
        {
            return refused;
        }

        if (!ChatSessionRules.IsOwner(caller, Current))
        {
            return new CommandError(ErrorKind.Forbidden, "Only the session's owner writes messages; agents reply with agent-messages.");
        }

        if ((ChatSessionRules.CheckText(text) ?? ChatSessionRules.CheckOpen(Current)) is { } invalid)
        {
            return invalid;
        }

        var now = Timestamps.Now(clock);
        var previous = Current.Status;
        var next = Current.Copy();
        if (ChatSessionRules.CountMessage(next, now, options.Value.MessagesPerMinute) is { } throttled)
        {
            return throttled; // nothing stored: the window's count only moves for accepted messages
        }

        var added = new List<ChatMessageDto> { ChatSessionRules.Append(next, ChatRole.User, text, now, next.OwnerUserId, next.OwnerName).ToDto() };
        if (previous != ChatSessionStatus.Active)
        {
            // A human has (or is about to take) the conversation: the assistant stays quiet.
            await SaveAsync(next);
            CrmDiagnostics.ChatTurns.Add(1, new KeyValuePair<string, object?>("answered_by", "agent"));
            return CommandResult<ChatTurnResult>.Ok(Turn(null, null, [], [], previous, added));
        }

        // A copy: the assistant may change what it is given, and a failed turn must leave memory as stored.
        var memory = services.GetRequiredService<DeepCopier>().Copy(dialogue.State);
        var turn = await Assistant.HandleAsync(memory, text, ToChatUser(caller), Id);
        next.Intent = ChatSessionRules.SnakeName(turn.Intent);
        // What the assistant has collected for the task in progress; when a task just finished (and
        // its memory was cleared), what this turn understood.
        next.Slots = new Dictionary<string, string>(turn.State.Slots.Count > 0 ? turn.State.Slots : turn.Slots);
        added.Add(ChatSessionRules.Append(next, ChatRole.Bot, turn.Reply, Timestamps.Now(clock), null, "assistant").ToDto());
        var handoff = turn.HandoffRequested && next.Status != ChatSessionStatus.WaitingForAgent;
        if (turn.HandoffRequested)
        {
            next.Status = ChatSessionStatus.WaitingForAgent;
        }

        // Two documents, written together (the embedded store commits them in one group commit); the turn
        // is acknowledged only when both are stored. A turn that left the memory as it was (a question
        // answered from the FAQ) writes the session only.
        await Task.WhenAll(
            turn.State.SameAs(dialogue.State) ? Task.CompletedTask : SaveDialogueAsync(turn.State),
            SaveAsync(next, handoff ? HandoffEvent(next, caller) : null));
        CrmDiagnostics.ChatTurns.Add(1, new KeyValuePair<string, object?>("answered_by", "assistant"));
        return CommandResult<ChatTurnResult>.Ok(Turn(turn.Reply, next.Intent, [.. turn.Actions.Select(a => new ChatAction(a.Type, a.Id))], turn.Suggestions, previous, added));
    }

    public async Task<CommandResult<ChatChange>> AssignAsync(Actor agent, long? expectedVersion = null)
    {
        if ((CheckStaff(agent, expectedVersion) ?? ChatSessionRules.CheckAssign(agent, Current)) is { } refused)
        {
            return refused;
        }

        if (Current.Status == ChatSessionStatus.WithAgent && Current.AssignedAgentId == agent.UserId)
        {
            return CommandResult<ChatChange>.Ok(Change(Current.Status, []));
        }

        var next = Current.Copy();
        next.Status = ChatSessionStatus.WithAgent;
        next.AssignedAgentId = agent.UserId;
        next.AssignedAgentName = agent.Name;
        var note = ChatSessionRules.Append(next, ChatRole.System, $"{agent.Name ?? "An agent"} joined the conversation.", Timestamps.Now(clock), null, null);
        return await ChangeAsync(next, note);
    }

    public async Task<CommandResult<ChatChange>> AgentMessageAsync(Actor agent, string text)
    {
        if ((CheckStaff(agent, null) ?? ChatSessionRules.CheckText(text) ?? ChatSessionRules.CheckAgentMessage(agent, Current)) is { } refused)
        {
            return refused;
        }

        var next = Current.Copy();
        var message = ChatSessionRules.Append(next, ChatRole.Agent, text, Timestamps.Now(clock), agent.UserId, agent.Name);
        return await ChangeAsync(next, message);
    }

    public async Task<CommandResult<ChatChange>> ReleaseAsync(Actor agent, long? expectedVersion = null)
    {
        if ((CheckStaff(agent, expectedVersion) ?? ChatSessionRules.CheckRelease(agent, Current)) is { } refused)
        {
            return refused;
        }

        var next = Current.Copy();
        next.Status = ChatSessionStatus.Active;
        next.AssignedAgentId = null;
        next.AssignedAgentName = null;
        var note = ChatSessionRules.Append(next, ChatRole.System, "You are chatting with the assistant again.", Timestamps.Now(clock), null, null);
        return await ChangeAsync(next, note);
    }

    public async Task<CommandResult<ChatChange>> CloseAsync(ChatCaller caller)
    {
        if (Check(caller) is { } refused)
        {
            return refused;
        }

        if (Current.Status == ChatSessionStatus.Closed)
        {
            return CommandError.Conflict("The chat session is already closed.");
        }

        return await CloseWithAsync($"The conversation was closed by {(caller.IsStaff ? caller.User!.Name ?? "an agent" : "the customer")}.");
    }

    public async Task<ChatSessionDto?> CheckIdleAsync()
    {
        if (!session.RecordExists)
        {
            return null;
        }

        if (ChatSessionRules.IsIdle(Current, Timestamps.Now(clock), IdleTimeout))
        {
            var closed = await CloseWithAsync("The conversation was closed after a period of inactivity.");
            if (services.GetService<IChatSessionEvents>() is { } events)
            {
                await events.ChangedAsync(closed.Value!);
            }
        }

        return Dto();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != IdleReminder)
        {
            return;
        }

        var checkedSession = await CheckIdleAsync();
        if (checkedSession is null || checkedSession.Status == ChatSessionStatus.Closed)
        {
            await UnregisterAsync();
        }
    }

    private async Task<CommandResult<ChatChange>> CloseWithAsync(string note)
    {
        var next = Current.Copy();
        next.Status = ChatSessionStatus.Closed;
        var now = Timestamps.Now(clock);
        next.ClosedAt = now;
        var message = ChatSessionRules.Append(next, ChatRole.System, note, now, null, null);
        var result = await ChangeAsync(next, message);
        await UnregisterAsync();
        return result;
    }

    private async Task<CommandResult<ChatChange>> ChangeAsync(ChatSessionState next, ChatMessage added)
    {
        var previous = Current.Status;
        await SaveAsync(next);
        return CommandResult<ChatChange>.Ok(Change(previous, [added.ToDto()]));
    }

    private ChatChange Change(ChatSessionStatus previous, IReadOnlyList<ChatMessageDto> added) => new(Dto(), previous, added);

    private ChatTurnResult Turn(
        string? reply, string? intent, IReadOnlyList<ChatAction> actions, IReadOnlyList<string> suggestions,
        ChatSessionStatus previous, IReadOnlyList<ChatMessageDto> added) =>
        new(reply, intent ?? Current.Intent, new Dictionary<string, string>(Current.Slots), actions, suggestions,
            Current.Status, previous, added, Current.AssignedAgentId);

    /// <summary>NotFound for a missing session or one the caller may not see.</summary>
    private CommandError? Check(ChatCaller caller) =>
        session.RecordExists && ChatSessionRules.CanSee(caller, Current) ? null : NotFound();

    private CommandError? CheckStaff(Actor agent, long? expectedVersion)
    {
        if (!session.RecordExists)
        {
            return NotFound();
        }

        if (agent.Role is not (UserRole.Admin or UserRole.Agent))
        {
            return new CommandError(ErrorKind.Forbidden, "Only agents and admins handle chat sessions.");
        }

        return expectedVersion is { } expected && expected != Current.Version ? CommandError.Stale(Current.Version) : null;
    }

    private CommandError NotFound() => CommandError.NotFound($"Chat session '{Id}' was not found.");

    private ChatSessionDto Dto() => Current.ToDto(Id, archived);

    private async Task SaveAsync(ChatSessionState next, TimelineEntry? handoff = null)
    {
        next.Version = (session.RecordExists ? Current.Version : 0) + 1;
        handoff?.Version = next.Version;
        handoff?.Snapshot = CrmChatbot.Webhooks.WebhookJson.Serialize(next.ToSummary(Id));
        // The messages beyond the document's recent ones become rows, written with the document: one store write.
        var moved = ChatSessionRules.ArchiveOldMessages(Id, next);
        var previous = session.RecordExists ? Current : null;
        // The outboxes belong to the stored state: entries and rows a store has not appended yet stay in them.
        next.PendingTimeline = previous?.PendingTimeline ?? [];
        next.PendingArchive = previous?.PendingArchive ?? [];
        session.State = next;
        try
        {
            await store.WriteAsync(this.GetGrainId(), session, handoff is null ? [] : [handoff], moved);
        }
        catch
        {
            session.State = previous ?? new ChatSessionState();
            DeactivateOnIdle();
            throw;
        }

        archived.AddRange(moved.Select(r => r.Message));
        if (archived.Count > ChatLimits.TranscriptMessages)
        {
            archived.RemoveRange(0, archived.Count - ChatLimits.TranscriptMessages);
        }
    }

    /// <summary>The chat.handoff_requested event: the assistant handed the conversation to the agents' queue.</summary>
    private TimelineEntry HandoffEvent(ChatSessionState next, ChatCaller caller) => new()
    {
        Id = Guid.CreateVersion7().ToString(),
        EntityKind = "chat",
        EntityId = Id,
        At = Timestamps.Now(clock),
        ActorKind = caller.User is null ? ActorKind.Chatbot : ActorKind.User,
        ActorId = caller.User?.UserId,
        ActorName = caller.User?.Name ?? next.OwnerName,
        Action = "handoff_requested",
        Changes = [new FieldChange("status", "\"active\"", "\"waiting_for_agent\"")],
    };

    private Task SaveDialogueAsync(DialogueState next) => dialogue.ReplaceAsync(next, DeactivateOnIdle);

    private ChatUser ToChatUser(ChatCaller caller) => caller.User is { } user && user.UserId == Current.OwnerUserId && user.UserId is not null
        ? new ChatUser(user.UserId, user.Role, user.Name ?? Current.OwnerName, caller.Email ?? Current.OwnerEmail)
        : ChatUser.Visitor;

    private async Task UnregisterAsync()
    {
        if (await this.GetReminder(IdleReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
