using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Configuration;
using CrmChatbot.Chat;
using CrmChatbot.Users;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static CrmChatbot.Api.Tests.Chat.HubTestClient;

namespace CrmChatbot.Api.Tests.Chat;

/// <summary>
/// A hub connection lives only as long as its account may act (issue #12, item 2): deactivating,
/// deleting or demoting an agent closes its open connections at once and stops every agent-channel
/// delivery to them; an expired token closes the connection; an active agent hears everything as before.
/// </summary>
public abstract class ChatHubRevocationTests(ApiFixture fixture)
{
    private CrmApiFactory Factory => fixture.Factory;

    public static TheoryData<string> AccountChanges => ["deactivate", "delete", "demote"];

    [Theory]
    [MemberData(nameof(AccountChanges))]
    public async Task An_agent_whose_account_changes_is_disconnected_and_hears_no_later_agent_channel_event(string change)
    {
        var (targetId, targetToken) = await Factory.CreateUserAsync("agent");
        await using var target = ConnectAs(Factory, targetToken);
        var targetQueue = Record(target, "queue");
        var targetMessages = Record(target, "message");
        var targetClosed = Closed(target);
        await target.StartAsync();
        await target.InvokeAsync("JoinAgents");

        await using var colleague = ConnectAs(Factory, fixture.AgentToken);
        var colleagueQueue = Record(colleague, "queue");
        var colleagueMessages = Record(colleague, "message");
        await colleague.StartAsync();
        await colleague.InvokeAsync("JoinAgents");

        // Both hear the channel while the account is in good standing.
        using var visitorHttp = fixture.Anonymous();
        var before = await HandOffAsync(visitorHttp);
        await NextAsync(targetQueue, Of(before));
        await NextAsync(colleagueQueue, Of(before));

        await ChangeAsync(targetId, change);
        var after = await HandOffAsync(visitorHttp, "my card number is 4111 1111 1111 1111, a human please");

        // The colleague still hears the queue and the visitor's words...
        await NextAsync(colleagueQueue, Of(after));
        Assert.Contains("4111", (await NextAsync(colleagueMessages, Of(after))).GetProperty("text").GetString());
        Assert.Equal(HubConnectionState.Connected, colleague.State);
        // ...the changed account's connection is closed and heard none of it.
        await targetClosed.WaitAsync(Wait);
        Assert.False(Drain(targetQueue).Any(Of(after)), "heard an event of a session it may no longer hear");
        Assert.False(Drain(targetMessages).Any(Of(after)), "heard an event of a session it may no longer hear");
    }

    [Fact]
    public async Task A_deactivated_agents_open_connection_gets_no_transcript_from_JoinSession()
    {
        var (targetId, targetToken) = await Factory.CreateUserAsync("agent");
        await using var target = ConnectAs(Factory, targetToken);
        await target.StartAsync();
        using var visitorHttp = fixture.Anonymous();
        var sessionId = await HandOffAsync(visitorHttp, "my card number is 4111 1111 1111 1111, a human please");
        await ChangeAsync(targetId, "deactivate");

        // Refused by the account check, or the connection is already closed: either way, no transcript.
        await Assert.ThrowsAnyAsync<Exception>(() => target.InvokeAsync<JsonElement>("JoinSession", sessionId));
    }

    [Fact]
    public async Task A_connection_is_closed_when_its_token_expires_while_an_active_agent_stays()
    {
        var email = $"short-lived-{Guid.NewGuid():N}@crm.test";
        await Factory.CreateUserAsync("agent", email);
        await using var colleague = ConnectAs(Factory, fixture.AgentToken);
        var colleagueQueue = Record(colleague, "queue");
        await colleague.StartAsync();
        await colleague.InvokeAsync("JoinAgents");

        // A token valid for a few seconds, issued by the API's own issuer. The lifetime doubles until the
        // connection is up and in the channel before its token expires, so a slow machine only takes longer.
        var lifetime = TimeSpan.FromSeconds(4);
        while (true)
        {
            var expires = DateTimeOffset.UtcNow + lifetime;
            var token = await IssueAsync(email, expires);
            var target = ConnectAs(Factory, token);
            var targetClosed = Closed(target);
            try
            {
                await target.StartAsync();
                await target.InvokeAsync("JoinAgents");
            }
            catch (Exception) when (DateTimeOffset.UtcNow >= expires.AddSeconds(-1))
            {
                await target.DisposeAsync();
                lifetime *= 2;
                continue;
            }

            if (DateTimeOffset.UtcNow >= expires.AddSeconds(-1))
            {
                await target.DisposeAsync();
                lifetime *= 2;
                continue;
            }

            await targetClosed.WaitAsync(lifetime + Wait);
            // Closed for the expiry (exp has whole seconds), not for anything earlier.
            Assert.True(DateTimeOffset.UtcNow >= expires.AddSeconds(-1), "closed before the token expired");
            await target.DisposeAsync();
            break;
        }

        Assert.Equal(HubConnectionState.Connected, colleague.State);
        using var visitorHttp = fixture.Anonymous();
        await NextAsync(colleagueQueue, Of(await HandOffAsync(visitorHttp)));
    }

    /// <summary>A visitor session handed to the agents' queue; its id.</summary>
    private static async Task<string> HandOffAsync(HttpClient visitorHttp, string text = ChatApi.AskForHuman)
    {
        var (id, token, _) = await ChatApi.StartAsync(visitorHttp);
        Assert.Equal(HttpStatusCode.OK, (await ChatApi.SendAsync(visitorHttp, id, token, text)).StatusCode);
        return id;
    }

    private async Task ChangeAsync(string userId, string change)
    {
        using var admin = fixture.Admin();
        var response = change switch
        {
            "deactivate" => await admin.PatchAsJsonAsync($"/api/users/{userId}", new { is_active = false }),
            "demote" => await admin.PatchAsJsonAsync($"/api/users/{userId}", new { role = "client" }),
            _ => await admin.DeleteAsync($"/api/users/{userId}"),
        };
        Assert.True(response.IsSuccessStatusCode, $"{change}: {response.StatusCode}");
    }

    /// <summary>A token for the account that expires at <paramref name="expires"/> (the issuer's clock set back by its lifetime).</summary>
    private async Task<string> IssueAsync(string email, DateTimeOffset expires)
    {
        var user = await Factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(EmailKey.Normalize(email)).GetAsync();
        var settings = Factory.Services.GetRequiredService<CrmSettings>();
        var lifetime = TimeSpan.FromMinutes(settings.AccessTokenExpireMinutes);
        return new JwtTokens(settings, new FixedClock(expires - lifetime)).Issue(user!);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class ChatHubRevocationTestsOnSqlite(SqliteApiFixture fixture) : ChatHubRevocationTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class ChatHubRevocationTestsOnMongo(MongoApiFixture fixture) : ChatHubRevocationTests(fixture);

/// <summary>
/// The same service with the account-change notices to the hub switched off, so only the checks on each
/// invocation and each delivery stand between a deactivated agent and the agents' channel: the window
/// before a notice's close completes.
/// </summary>
public sealed class ChatHubChecksWithoutNoticesTests(ChatHubChecksWithoutNoticesTests.Fixture fixture)
    : IClassFixture<ChatHubChecksWithoutNoticesTests.Fixture>
{
    public sealed class Fixture : ApiFixture
    {
        protected override Task ConfigureAsync(CrmApiFactory factory)
        {
            factory.TestServices = services => services.RemoveAll<IUserAccountWatcher>();
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_delivery_to_the_agents_channel_leaves_out_and_closes_a_deactivated_agent()
    {
        var (targetId, targetToken) = await fixture.Factory.CreateUserAsync("agent");
        await using var target = ConnectAs(fixture.Factory, targetToken);
        var targetQueue = Record(target, "queue");
        var targetClosed = Closed(target);
        await target.StartAsync();
        await target.InvokeAsync("JoinAgents");
        await using var colleague = ConnectAs(fixture.Factory, fixture.AgentToken);
        var colleagueQueue = Record(colleague, "queue");
        await colleague.StartAsync();
        await colleague.InvokeAsync("JoinAgents");

        using var admin = fixture.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/users/{targetId}", new { is_active = false })).StatusCode);
        Assert.Equal(HubConnectionState.Connected, target.State); // nothing told the hub

        using var visitorHttp = fixture.Anonymous();
        var (id, token, _) = await ChatApi.StartAsync(visitorHttp);
        Assert.Equal(HttpStatusCode.OK, (await ChatApi.SendAsync(visitorHttp, id, token, ChatApi.AskForHuman)).StatusCode);
        await NextAsync(colleagueQueue, Of(id));
        await targetClosed.WaitAsync(Wait);
        Assert.False(Drain(targetQueue).Any(Of(id)), "heard an event of a session it may no longer hear");
    }

    [Fact]
    public async Task JoinSession_on_a_deactivated_agents_open_connection_is_refused_and_closes_it()
    {
        var (targetId, targetToken) = await fixture.Factory.CreateUserAsync("agent");
        await using var target = ConnectAs(fixture.Factory, targetToken);
        var targetClosed = Closed(target);
        await target.StartAsync();
        using var visitorHttp = fixture.Anonymous();
        var (id, _, _) = await ChatApi.StartAsync(visitorHttp);
        using var admin = fixture.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/users/{targetId}", new { is_active = false })).StatusCode);

        // The refusal comes first; the close follows at the next heartbeat (if that tick came in between, the
        // invocation fails as cancelled instead: refused all the same).
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => target.InvokeAsync<JsonElement>("JoinSession", id));
        Assert.True(refused is HubException { Message: var message } ? message.Contains("no longer use the chat") : refused is OperationCanceledException, refused.ToString());
        await targetClosed.WaitAsync(Wait);
    }
}
