using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Http;
using CrmChatbot.Api.OpenApi;
using CrmChatbot.Chat;
using CrmChatbot.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CrmChatbot.Api.Chat;

/// <summary>Documents the optional body of <c>POST /api/chat/sessions</c>.</summary>
public sealed record StartChatRequest(string? TimeZone = null);

public sealed record ChatTextRequest(string Text);

/// <summary>A new session. <see cref="SessionToken"/> (visitors only) must be sent as <c>X-Chat-Token</c> from now on; it is shown once.</summary>
public sealed record ChatSessionCreated(
    string Id, ChatSessionStatus Status, IReadOnlyList<ChatMessageDto> Messages, string? SessionToken, bool Visitor,
    string? OwnerUserId, string TimeZone, DateTime CreatedAt, long Version) : IVersioned;

/// <summary>The answer to a user message; <see cref="Reply"/> is null while a human has the conversation.</summary>
public sealed record ChatReply(
    string? Reply, string? Intent, IReadOnlyDictionary<string, string> Slots, IReadOnlyList<ChatAction> Actions,
    IReadOnlyList<string> Suggestions, ChatSessionStatus Status);

/// <summary>
/// Chat sessions with the assistant and, after a hand-off, with an agent. Visitors (no bearer token)
/// prove ownership with <c>X-Chat-Token</c>; clients see their own sessions; staff see all. A session
/// that is not the caller's is 404.
/// </summary>
public static class ChatEndpoints
{
    public const string TokenHeader = "X-Chat-Token";
    public const string HubPath = "/hubs/chat";

    /// <summary>
    /// SignalR with snake_case payloads and this process's hub as the live clients every chat broadcast reaches (the
    /// per-address limit on starting sessions is <see cref="RateLimits.ChatSessions"/>).
    /// </summary>
    public static IServiceCollection AddCrmChat(this IServiceCollection services)
    {
        services.AddSignalR().AddJsonProtocol(options => CrmApiExtensions.Configure(options.PayloadSerializerOptions));
        services.AddSingleton<IChatLiveClients, HubChatNotifier>();
        return services;
    }

    public static RouteGroupBuilder MapChatEndpoints(this IEndpointRouteBuilder routes)
    {
        // A connection ends when its token expires, as a request with that token would be refused.
        routes.MapHub<ChatHub>(HubPath, options => options.CloseOnAuthenticationExpiration = true);
        var group = routes.MapGroup("/api/chat/sessions").WithTags("Chat").WithOptionalAuthentication().ProducesAuthProblems().AddEndpointFilter<ETagFilter>();

        // Not replayable: the response carries a visitor's secret token (a retry just opens another session).
        group.MapPost("/", StartAsync).WithName("Chat_StartSession").AcceptsJson<StartChatRequest>().WithMetadata(new IdempotencyExempt())
            .RequireRateLimiting(RateLimits.ChatSessions)
            .WithSummary("Start a chat session (anyone). Without a bearer token it is a visitor session: keep session_token and send it as X-Chat-Token. 429 with Retry-After past CHAT_SESSIONS_PER_HOUR_PER_ADDRESS")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/", ListAsync).WithName("Chat_ListSessions").RequireAuthorization()
            .WithSummary("List chat sessions, newest activity first (staff: all, filter by status and assigned_agent_id; clients: their own)")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{id}", GetAsync).WithName("Chat_GetSession").WithSummary("A session with its transcript (owner or staff)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/messages", SendAsync).WithName("Chat_SendMessage").AcceptsJson<ChatTextRequest>()
            .WithSummary("Send a message (owner): the assistant answers, or, while an agent has the session, it is passed to the agent (reply null). 429 with Retry-After past CHAT_MESSAGES_PER_MINUTE")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapPost("/{id}/assign", AssignAsync).WithName("Chat_AssignSession").RequireAuthorization(Policies.Staff)
            .WithSummary("Take the session (staff): it goes to with_agent. 409 if another agent has it, unless admin")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/agent-messages", AgentMessageAsync).WithName("Chat_SendAgentMessage").RequireAuthorization(Policies.Staff).AcceptsJson<ChatTextRequest>()
            .WithSummary("Reply as the assigned agent")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/release", ReleaseAsync).WithName("Chat_ReleaseSession").RequireAuthorization(Policies.Staff)
            .WithSummary("Hand the session back to the assistant (the assigned agent, or an admin)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/close", CloseAsync).WithName("Chat_CloseSession").WithSummary("Close the session (owner or staff); it then refuses messages with 409")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Created<ChatSessionCreated>, ProblemHttpResult>> StartAsync(
        HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (CallerOf(request, principal, out var caller) is { } unauthorized)
        {
            return unauthorized;
        }

        var timeZone = "UTC";
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var body = await JsonBody.ReadAsync(request, reader =>
            {
                var zone = reader.String("time_zone");
                if (zone is not null && (zone.Length > ChatLimits.TimeZoneMaxLength || !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _)))
                {
                    reader.Problems.Add("time_zone", "must be an IANA time zone such as Europe/Paris");
                }

                reader.RejectUnknownFields("id", "status", "messages", "session_token");
                return zone;
            }, cancellationToken);
            if (body.Problem is not null)
            {
                return body.Problem;
            }

            timeZone = body.Value ?? timeZone;
        }

        // A visitor's token is the only proof of ownership: 256 random bits, stored by the grain as a hash.
        var token = caller.User is null ? Base64Url(RandomNumberGenerator.GetBytes(32)) : null;
        var owner = caller with { Token = token };
        var id = Guid.CreateVersion7().ToString();
        var result = await grains.Reference<IChatSessionGrain>(id).StartAsync(owner, timeZone);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error!);
        }

        var session = result.Value!;
        return TypedResults.Created($"/api/chat/sessions/{id}", new ChatSessionCreated(
            id, session.Status, session.Messages, token, session.Visitor, session.OwnerUserId, session.TimeZone, session.CreatedAt, session.Version));
    }

    private static async Task<Results<Ok<Page<ChatSessionSummaryDto>>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal principal, IChatSessionQueries queries, CancellationToken cancellationToken,
        string? status = null, [FromQuery(Name = "assigned_agent_id")] string? assignedAgentId = null,
        [FromQuery(Name = "owner_id")] string? ownerId = null, string? limit = null, string? offset = null)
    {
        var reader = new QueryReader(new FieldProblems());
        var query = new ChatSessionListQuery
        {
            Status = reader.Enum<ChatSessionStatus>("status", status),
            AssignedAgentId = reader.Text("assigned_agent_id", assignedAgentId, EntityIds.MaxLength),
            OwnerUserId = reader.Text("owner_id", ownerId, EntityIds.MaxLength),
            Limit = reader.Limit(limit),
            Offset = reader.Offset(offset),
        };
        if (reader.Problems.Any)
        {
            return Problems.Validation(reader.Problems);
        }

        var actor = principal.ToActor();
        if (!actor.IsStaff)
        {
            // A client's list is their own sessions, whatever else they filter by.
            if (query.OwnerUserId is not null && query.OwnerUserId != actor.UserId)
            {
                return TypedResults.Ok(new Page<ChatSessionSummaryDto>([], 0, null));
            }

            query = query with { OwnerUserId = actor.UserId };
        }

        return TypedResults.Ok(await queries.ListAsync(query, cancellationToken));
    }

    private static async Task<Results<Ok<ChatSessionDto>, ProblemHttpResult>> GetAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains)
    {
        if (CallerOf(request, principal, out var caller) is { } unauthorized)
        {
            return unauthorized;
        }

        var session = EntityIds.IsPlausible(id) ? await grains.Reference<IChatSessionGrain>(id).GetAsync(caller) : null;
        return session is null ? NotFound(id) : TypedResults.Ok(session);
    }

    private static async Task<Results<Ok<ChatReply>, ProblemHttpResult>> SendAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, IChatBroadcast broadcast,
        CancellationToken cancellationToken)
    {
        if (CallerOf(request, principal, out var caller) is { } unauthorized)
        {
            return unauthorized;
        }

        var body = await ReadTextAsync(request, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (!EntityIds.IsPlausible(id))
        {
            return NotFound(id);
        }

        var result = await grains.Reference<IChatSessionGrain>(id).SendAsync(caller, body.Value!);
        if (!result.IsSuccess)
        {
            if (result.Error!.RetryAfterSeconds is { } wait)
            {
                request.HttpContext.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            }

            return Problems.From(result.Error);
        }

        var turn = result.Value!;
        await broadcast.PublishAsync(new ChatLiveUpdate(id, turn.PreviousStatus, turn.Status, turn.AssignedAgentId, turn.Added), cancellationToken);
        return TypedResults.Ok(new ChatReply(turn.Reply, turn.Intent, turn.Slots, turn.Actions, turn.Suggestions, turn.Status));
    }

    private static Task<Results<Ok<ChatSessionDto>, ProblemHttpResult>> AssignAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, IChatBroadcast broadcast,
        CancellationToken cancellationToken) =>
        ChangeAsync(id, grains, grain => grain.AssignAsync(principal.ToActor(), Versions.IfMatch(request)), broadcast, cancellationToken);

    private static Task<Results<Ok<ChatSessionDto>, ProblemHttpResult>> ReleaseAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, IChatBroadcast broadcast,
        CancellationToken cancellationToken) =>
        ChangeAsync(id, grains, grain => grain.ReleaseAsync(principal.ToActor(), Versions.IfMatch(request)), broadcast, cancellationToken);

    private static async Task<Results<Ok<ChatSessionDto>, ProblemHttpResult>> CloseAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, IChatBroadcast broadcast,
        CancellationToken cancellationToken)
    {
        if (CallerOf(request, principal, out var caller) is { } unauthorized)
        {
            return unauthorized;
        }

        return await ChangeAsync(id, grains, grain => grain.CloseAsync(caller), broadcast, cancellationToken);
    }

    private static async Task<Results<Ok<ChatMessageDto>, ProblemHttpResult>> AgentMessageAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, IChatBroadcast broadcast,
        CancellationToken cancellationToken)
    {
        var body = await ReadTextAsync(request, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (!EntityIds.IsPlausible(id))
        {
            return NotFound(id);
        }

        var result = await grains.Reference<IChatSessionGrain>(id).AgentMessageAsync(principal.ToActor(), body.Value!);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error!);
        }

        var change = result.Value!;
        await broadcast.PublishAsync(ChatLiveUpdate.From(change), cancellationToken);
        return TypedResults.Ok(change.Added[^1]);
    }

    /// <summary>Runs a state-changing command on the session, pushes what changed, and answers with the session.</summary>
    private static async Task<Results<Ok<ChatSessionDto>, ProblemHttpResult>> ChangeAsync(
        string id, IGrainFactory grains, Func<IChatSessionGrain, Task<CommandResult<ChatChange>>> command, IChatBroadcast broadcast,
        CancellationToken cancellationToken)
    {
        if (!EntityIds.IsPlausible(id))
        {
            return NotFound(id);
        }

        var result = await command(grains.Reference<IChatSessionGrain>(id));
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error!);
        }

        await broadcast.PublishAsync(ChatLiveUpdate.From(result.Value!), cancellationToken);
        return TypedResults.Ok(result.Value!.Session);
    }

    /// <summary>
    /// The caller: the signed-in user (if any) and the visitor token header. A bearer token that did
    /// not authenticate is 401 rather than a silent fall-back to visitor.
    /// </summary>
    private static ProblemHttpResult? CallerOf(HttpRequest request, ClaimsPrincipal principal, out ChatCaller caller)
    {
        var signedIn = principal.Identity?.IsAuthenticated == true;
        var token = request.Headers[TokenHeader].ToString();
        caller = new ChatCaller(
            signedIn ? principal.ToActor() : null,
            string.IsNullOrEmpty(token) ? null : token,
            signedIn ? principal.FindFirstValue(JwtTokens.EmailClaim) : null);
        return !signedIn && request.Headers.Authorization.Count > 0
            ? Problems.Unauthorized("The access token is invalid or expired; send a valid bearer token, or none to chat as a visitor.")
            : null;
    }

    /// <summary>The <c>{"text"}</c> body of user and agent messages: 1 to 2000 characters.</summary>
    private static Task<JsonBody.Outcome<string>> ReadTextAsync(HttpRequest request, CancellationToken cancellationToken) =>
        JsonBody.ReadAsync(request, reader =>
        {
            var text = reader.String("text");
            if (string.IsNullOrWhiteSpace(text))
            {
                if (!reader.Problems.Has("text"))
                {
                    reader.Problems.Add("text", "is required");
                }
            }
            else if (text.Length > ChatLimits.TextMaxLength)
            {
                reader.Problems.Add("text", $"must be at most {ChatLimits.TextMaxLength} characters");
            }

            reader.RejectUnknownFields("id", "role", "at", "author_id", "author_name");
            return text ?? "";
        }, cancellationToken);

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound(
        EntityIds.IsPlausible(id) ? $"Chat session '{id}' was not found." : "No chat session has this id.");

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
