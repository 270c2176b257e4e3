using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CrmChatbot.Common;
using CrmChatbot.Users;

namespace CrmChatbot.Chat.Sessions;

/// <summary>Access and workflow rules of chat sessions, free of Orleans so they can be tested alone.</summary>
public static class ChatSessionRules
{
    /// <summary>Hex SHA-256 of a visitor token: what the session stores instead of the token.</summary>
    public static string HashToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Staff see every session; a signed-in owner theirs; a visitor theirs with the right token (compared in constant time).</summary>
    public static bool CanSee(ChatCaller caller, ChatSessionState session)
    {
        if (caller.IsStaff)
        {
            return true;
        }

        if (session.OwnerUserId is not null)
        {
            return caller.User?.UserId == session.OwnerUserId;
        }

        return TokenMatches(caller.Token, session);
    }

    /// <summary>The owner writes messages; staff answer through the agent commands.</summary>
    public static bool IsOwner(ChatCaller caller, ChatSessionState session) =>
        session.OwnerUserId is not null ? caller.User?.UserId == session.OwnerUserId : TokenMatches(caller.Token, session);

    private static bool TokenMatches(string? token, ChatSessionState session) =>
        token is { Length: > 0 } && session.OwnerTokenHash is { } stored &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashToken(token)), Encoding.ASCII.GetBytes(stored));

    public static CommandError? CheckText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return CommandError.Invalid("text", "is required");
        }

        if (text.Length > ChatLimits.TextMaxLength)
        {
            return CommandError.Invalid("text", $"must be at most {ChatLimits.TextMaxLength} characters");
        }

        return TextRules.Problem(text, multiLine: true) is { } badCharacter ? CommandError.Invalid("text", badCharacter) : null;
    }

    public static CommandError? CheckOpen(ChatSessionState session) =>
        session.Status == ChatSessionStatus.Closed ? CommandError.Conflict("The chat session is closed.") : null;

    /// <summary>Staff may take a session that is not closed; one another agent has needs an admin.</summary>
    public static CommandError? CheckAssign(Actor agent, ChatSessionState session)
    {
        if (CheckOpen(session) is { } closed)
        {
            return closed;
        }

        return session.AssignedAgentId is { } other && other != agent.UserId && agent.Role != UserRole.Admin
            ? CommandError.Conflict("Another agent has this chat session.")
            : null;
    }

    /// <summary>Only the assigned agent speaks as the agent, and only while the session is with them.</summary>
    public static CommandError? CheckAgentMessage(Actor agent, ChatSessionState session)
    {
        if (CheckOpen(session) is { } closed)
        {
            return closed;
        }

        return session.Status != ChatSessionStatus.WithAgent || session.AssignedAgentId != agent.UserId
            ? CommandError.Conflict("Take the chat session (assign) before replying in it.")
            : null;
    }

    /// <summary>The assigned agent or an admin hands back; an unassigned queued session any staff.</summary>
    public static CommandError? CheckRelease(Actor agent, ChatSessionState session)
    {
        if (CheckOpen(session) is { } closed)
        {
            return closed;
        }

        if (session.Status == ChatSessionStatus.Active)
        {
            return CommandError.Conflict("The chat session is already with the assistant.");
        }

        return session.AssignedAgentId is { } other && other != agent.UserId && agent.Role != UserRole.Admin
            ? CommandError.Conflict("Another agent has this chat session.")
            : null;
    }

    /// <summary>
    /// The per-session message limit, a fixed one-minute window kept in the session's state (so it survives
    /// reactivation): a refusal with the seconds until the window ends, or null after counting this message in
    /// <paramref name="next"/>.
    /// </summary>
    public static CommandError? CountMessage(ChatSessionState next, DateTime now, int perMinute)
    {
        var window = TimeSpan.FromMinutes(1);
        if (now - next.MessageWindowStart >= window || now < next.MessageWindowStart)
        {
            next.MessageWindowStart = now;
            next.MessagesInWindow = 0;
        }

        if (next.MessagesInWindow >= perMinute)
        {
            var wait = (int)Math.Ceiling((next.MessageWindowStart + window - now).TotalSeconds);
            return new CommandError(ErrorKind.Throttled,
                $"Too many messages: at most {perMinute} per minute in a chat session. Please wait a moment.", RetryAfterSeconds: Math.Max(1, wait));
        }

        next.MessagesInWindow++;
        return null;
    }

    /// <summary>True when the session has had no message for <paramref name="idle"/> and is still open.</summary>
    public static bool IsIdle(ChatSessionState session, DateTime now, TimeSpan idle) =>
        session.Status != ChatSessionStatus.Closed && now - session.LastActivityAt >= idle;

    /// <summary>How often the idle reminder ticks: a quarter of the idle time (Orleans' minimum is one minute).</summary>
    public static TimeSpan ReminderPeriod(TimeSpan idle) =>
        TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(1).Ticks, idle.Ticks / 4));

    /// <summary>Appends a message, keeping only the last <see cref="ChatLimits.TranscriptMessages"/>.</summary>
    public static ChatMessage Append(ChatSessionState session, ChatRole role, string text, DateTime at, string? authorId, string? authorName)
    {
        var message = new ChatMessage
        {
            Id = Guid.CreateVersion7().ToString(),
            Role = role,
            Text = text,
            At = at,
            AuthorId = authorId,
            AuthorName = authorName,
        };
        session.Messages.Add(message);
        if (session.Messages.Count > ChatLimits.TranscriptMessages)
        {
            session.Messages.RemoveRange(0, session.Messages.Count - ChatLimits.TranscriptMessages);
        }

        session.MessageCount++;
        session.UpdatedAt = at;
        if (role is ChatRole.User or ChatRole.Agent)
        {
            session.LastActivityAt = at;
        }

        return message;
    }

    /// <summary>
    /// Keeps the session document small: every message beyond the newest <see cref="ChatLimits.StoredRecentMessages"/>
    /// leaves <paramref name="session"/> and is returned as a row to append with the session's write, numbered by its
    /// place in the session (<see cref="ArchivedChatMessage.Seq"/>). Empty when nothing moves.
    /// </summary>
    public static IReadOnlyList<ArchivedChatMessage> ArchiveOldMessages(string sessionId, ChatSessionState session)
    {
        var moving = session.Messages.Count - ChatLimits.StoredRecentMessages;
        if (moving <= 0)
        {
            return [];
        }

        var first = ChatArchive.FirstRecentSeq(session);
        var rows = session.Messages.Take(moving)
            .Select((m, i) => new ArchivedChatMessage { SessionId = sessionId, Seq = first + i, Message = m })
            .ToList();
        session.Messages.RemoveRange(0, moving);
        return rows;
    }

    /// <summary>An enum as the API and store spell it (snake_case).</summary>
    public static string SnakeName<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
