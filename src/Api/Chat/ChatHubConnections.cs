using System.Collections.Concurrent;
using System.Globalization;
using CrmChatbot.Api.Auth;
using CrmChatbot.Chat;
using CrmChatbot.Common;
using CrmChatbot.Users;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Api.Chat;

/// <summary>A signed-in connection to this process's chat hub, bound to the account and role it was opened with.</summary>
public sealed class SignedInConnection(HubCallerContext context, string emailKey, string userId, UserRole role, DateTimeOffset expiresAt)
{
    public HubCallerContext Context { get; } = context;

    public string ConnectionId => Context.ConnectionId;

    public string EmailKey { get; } = emailKey;

    public string UserId { get; } = userId;

    public UserRole Role { get; } = role;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    /// <summary>The account as last checked (its current name).</summary>
    public UserDto? Account { get; set; }

    private volatile bool _inAgents;
    private volatile bool _revoked;

    /// <summary>In the agents' channel: hears the queue and every conversation in human hands.</summary>
    public bool InAgents { get => _inAgents; set => _inAgents = value; }

    /// <summary>Closed for good: hears nothing more, whatever groups it is still in until it is gone.</summary>
    public bool Revoked { get => _revoked; set => _revoked = value; }

    /// <summary>The sessions it follows (for removal when it is revoked).</summary>
    public ConcurrentDictionary<string, byte> Sessions { get; } = new(StringComparer.Ordinal);

    public Actor Actor => Actor.User(UserId, Role, Account?.Name);
}

/// <summary>Who hears one update of a session: the agents' channel members in good standing, and the connections to leave out.</summary>
public sealed record ChatAudience(IReadOnlyList<string> Agents, IReadOnlyList<string> Barred);

/// <summary>
/// The signed-in connections of this process's chat hub. A connection may act and hear only while its
/// account is in good standing: <see cref="AccountCheck"/> passes (exists, same account, active), the role is
/// still the one it connected with, and its token has not expired. That is checked on every invocation
/// (<see cref="ChatHubAccountFilter"/>), before every delivery to a signed-in connection
/// (<see cref="AudienceAsync"/>), and whenever the user grain reports a change of the account, on whichever
/// silo (<see cref="IUserAccountWatcher"/>). A connection that fails is revoked: it leaves the agents'
/// channel and its sessions at once, is left out of every later delivery, and is closed.
/// </summary>
public sealed class ChatHubConnections(
    AccountCheck accounts, IHubContext<ChatHub> hub, TimeProvider clock, ILogger<ChatHubConnections> logger) : IUserAccountWatcher
{
    private readonly ConcurrentDictionary<string, SignedInConnection> _connections = new(StringComparer.Ordinal);

    /// <summary>Tracks a signed-in connection (null for a visitor's) and checks it once tracked, so no change is missed.</summary>
    public async Task<SignedInConnection?> AddAsync(HubCallerContext context)
    {
        var user = context.User;
        if (user?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var expiresAt = long.TryParse(user.FindFirst("exp")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : DateTimeOffset.MinValue;
        var connection = new SignedInConnection(
            context, EmailKey.Normalize(user.Email()), user.UserId(), user.Role(), expiresAt);
        _connections[context.ConnectionId] = connection;
        // Closes a connection revoked by a refused invocation: after the refusal has been sent, at the next
        // tick (about a second), since closing at once would drop the refusal. Other revocations close at once.
        context.Features.Get<IConnectionHeartbeatFeature>()?.OnHeartbeat(static state =>
        {
            if (state is SignedInConnection { Revoked: true } revoked)
            {
                revoked.Context.Abort();
            }
        }, connection);
        await CheckAsync(connection);
        return connection;
    }

    public void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);

    public SignedInConnection? Find(string connectionId) => _connections.GetValueOrDefault(connectionId);

    /// <summary>
    /// True if the connection is in good standing; otherwise revokes it (and answers false): it leaves its
    /// channel and sessions at once, and is closed at once or, if <paramref name="closeNow"/> is false (an
    /// invocation still to be refused), at the next heartbeat.
    /// </summary>
    public async ValueTask<bool> CheckAsync(SignedInConnection connection, bool closeNow = true)
    {
        if (connection.Revoked)
        {
            return false;
        }

        var standing = await accounts.CheckAsync(connection.Context.User!);
        if (Failure(connection, standing) is { } failure)
        {
            await RevokeAsync(connection, failure, closeNow);
            return false;
        }

        connection.Account = standing.User;
        return true;
    }

    /// <summary>Joins the agents' channel if the connection is (still) staff and in good standing.</summary>
    public async ValueTask<bool> JoinAgentsAsync(SignedInConnection connection)
    {
        if (connection.Role is not (UserRole.Admin or UserRole.Agent) || !await CheckAsync(connection, closeNow: false))
        {
            return false;
        }

        connection.InAgents = true;
        if (connection.Revoked)
        {
            // Revoked meanwhile: it must not stay in the channel.
            connection.InAgents = false;
            return false;
        }

        return true;
    }

    /// <summary>Follows a session (tracked first, so a revocation meanwhile still leaves it out).</summary>
    public async Task JoinSessionAsync(HubCallerContext context, string sessionId)
    {
        var connection = Find(context.ConnectionId);
        connection?.Sessions.TryAdd(sessionId, 0);
        await hub.Groups.AddToGroupAsync(context.ConnectionId, HubChatNotifier.SessionGroup(sessionId));
        if (connection is { Revoked: true })
        {
            await hub.Groups.RemoveFromGroupAsync(context.ConnectionId, HubChatNotifier.SessionGroup(sessionId));
        }
    }

    public async Task LeaveSessionAsync(HubCallerContext context, string sessionId)
    {
        await hub.Groups.RemoveFromGroupAsync(context.ConnectionId, HubChatNotifier.SessionGroup(sessionId));
        Find(context.ConnectionId)?.Sessions.TryRemove(sessionId, out _);
    }

    /// <summary>The user grain changed this account (on whichever silo): re-check its connections here.</summary>
    public async Task AccountChangedAsync(string emailKey, CancellationToken cancellationToken = default)
    {
        accounts.Forget(emailKey);
        foreach (var connection in _connections.Values)
        {
            if (connection.EmailKey == emailKey)
            {
                await CheckAsync(connection);
            }
        }
    }

    /// <summary>
    /// Checks, for one update of <paramref name="sessionId"/>, every signed-in connection that would hear it:
    /// the agents' channel (when <paramref name="withAgents"/>) and those following the session. Each account
    /// is checked once; connections that fail are revoked and listed as barred.
    /// </summary>
    public async Task<ChatAudience> AudienceAsync(string sessionId, bool withAgents, CancellationToken cancellationToken = default)
    {
        List<string> agents = [];
        List<string> barred = [];
        Dictionary<string, AccountStanding> standings = new(StringComparer.Ordinal);
        foreach (var connection in _connections.Values)
        {
            var inAgents = withAgents && connection.InAgents;
            if (!inAgents && !connection.Sessions.ContainsKey(sessionId))
            {
                continue;
            }

            if (!connection.Revoked)
            {
                if (!standings.TryGetValue(connection.EmailKey, out var standing))
                {
                    standings[connection.EmailKey] = standing = await accounts.CheckAsync(connection.Context.User!);
                }

                if (Failure(connection, standing) is { } failure)
                {
                    await RevokeAsync(connection, failure, closeNow: true);
                }
            }

            if (connection.Revoked)
            {
                barred.Add(connection.ConnectionId);
            }
            else if (inAgents && connection.InAgents)
            {
                agents.Add(connection.ConnectionId);
            }
        }

        return new ChatAudience(agents, barred);
    }

    private string? Failure(SignedInConnection connection, AccountStanding standing) =>
        standing.User is not { } user ? standing.Failure
        : user.Role != connection.Role ? "The role of the account has changed."
        : clock.GetUtcNow() >= connection.ExpiresAt ? "The access token has expired."
        : null;

    private async Task RevokeAsync(SignedInConnection connection, string reason, bool closeNow)
    {
        if (connection.Revoked)
        {
            return;
        }

        connection.Revoked = true;
        connection.InAgents = false;
        foreach (var sessionId in connection.Sessions.Keys)
        {
            await hub.Groups.RemoveFromGroupAsync(connection.ConnectionId, HubChatNotifier.SessionGroup(sessionId));
        }

        logger.LogInformation("Closing chat hub connection {ConnectionId} of user {UserId}: {Reason}", connection.ConnectionId, connection.UserId, reason);
        if (closeNow)
        {
            connection.Context.Abort();
        }
    }
}

/// <summary>Checks the caller's account before every hub invocation; tracks signed-in connections.</summary>
public sealed class ChatHubAccountFilter(ChatHubConnections connections) : IHubFilter
{
    public const string Refused = "Your account may no longer use the chat (deactivated, deleted, role changed or token expired); the connection is closed.";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var context = invocationContext.Context;
        if (context.User?.Identity?.IsAuthenticated == true &&
            (connections.Find(context.ConnectionId) is not { } connection || !await connections.CheckAsync(connection, closeNow: false)))
        {
            throw new HubException(Refused);
        }

        return await next(invocationContext);
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (await connections.AddAsync(context.Context) is { Revoked: true })
        {
            return;
        }

        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        connections.Remove(context.Context.ConnectionId);
        await next(context, exception);
    }
}

public static class ChatHubAccountsSetup
{
    /// <summary>The account checks of the chat hub: on every invocation (a hub filter), every delivery, and every account change.</summary>
    public static IServiceCollection AddCrmChatHubAccounts(this IServiceCollection services)
    {
        services.AddSignalR().AddHubOptions<ChatHub>(options => options.AddFilter<ChatHubAccountFilter>());
        services.AddSingleton<ChatHubAccountFilter>();
        services.AddSingleton<ChatHubConnections>();
        // Account changes (on any silo) close the connections an account may no longer hold.
        services.AddSingleton<IUserAccountWatcher>(sp => sp.GetRequiredService<ChatHubConnections>());
        return services;
    }
}
