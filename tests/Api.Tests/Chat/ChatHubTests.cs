using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CrmChatbot.Api.Tests.Chat;

public abstract class ChatHubTests(ApiFixture fixture)
{
    private HubConnection Connect(string query) => HubTestClient.Connect(fixture.Factory, query);

    private static Channel<JsonElement> Record(HubConnection connection, string name) => HubTestClient.Record(connection, name);

    private static Task<JsonElement> NextAsync(Channel<JsonElement> events, Func<JsonElement, bool> match) => HubTestClient.NextAsync(events, match);

    [Fact]
    public async Task A_visitor_asks_for_a_human_and_hears_the_agent_live()
    {
        _ = fixture.Factory.Server; // the server must exist before connecting
        using var visitorHttp = fixture.Anonymous();
        var (id, token, _) = await ChatApi.StartAsync(visitorHttp);

        await using var visitor = Connect($"session_id={id}&chat_token={Uri.EscapeDataString(token!)}");
        var visitorMessages = Record(visitor, "message");
        var visitorStatus = Record(visitor, "status");
        await visitor.StartAsync();
        var joined = await visitor.InvokeAsync<JsonElement>("JoinSession", id);
        Assert.Equal(id, joined.GetProperty("id").GetString());

        await using var agent = Connect($"access_token={Uri.EscapeDataString(fixture.AgentToken)}");
        var queue = Record(agent, "queue");
        var agentMessages = Record(agent, "message");
        await agent.StartAsync();
        await agent.InvokeAsync("JoinAgents");

        var handoff = await ChatApi.SendAsync(visitorHttp, id, token, ChatApi.AskForHuman);
        Assert.Equal(HttpStatusCode.OK, handoff.StatusCode);
        var queued = await NextAsync(queue, q => q.GetProperty("session_id").GetString() == id);
        Assert.True(queued.GetProperty("waiting").GetBoolean());
        Assert.Equal("waiting_for_agent", queued.GetProperty("status").GetString());

        using var agentHttp = fixture.Agent();
        Assert.Equal(HttpStatusCode.OK, (await agentHttp.PostAsync($"/api/chat/sessions/{id}/assign", null)).StatusCode);
        var taken = await NextAsync(queue, q => q.GetProperty("session_id").GetString() == id);
        Assert.False(taken.GetProperty("waiting").GetBoolean());
        var status = await NextAsync(visitorStatus, s => s.GetProperty("status").GetString() == "with_agent");
        Assert.Equal(fixture.AgentId, status.GetProperty("assigned_agent_id").GetString());

        var reply = await agentHttp.PostAsync($"/api/chat/sessions/{id}/agent-messages",
            new StringContent("{\"text\":\"Hello, this is your agent.\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        var heard = await NextAsync(visitorMessages, m => m.GetProperty("role").GetString() == "agent");
        Assert.Equal("Hello, this is your agent.", heard.GetProperty("text").GetString());
        Assert.Equal(id, heard.GetProperty("session_id").GetString());

        // And the agent hears the visitor.
        Assert.Equal(HttpStatusCode.OK, (await ChatApi.SendAsync(visitorHttp, id, token, "thank you")).StatusCode);
        var fromVisitor = await NextAsync(agentMessages, m => m.GetProperty("role").GetString() == "user" && m.GetProperty("text").GetString() == "thank you");
        Assert.Equal(id, fromVisitor.GetProperty("session_id").GetString());
    }

    [Fact]
    public async Task Joining_someone_elses_session_or_the_agents_channel_is_refused()
    {
        _ = fixture.Factory.Server;
        using var http = fixture.Anonymous();
        var (id, _, _) = await ChatApi.StartAsync(http);
        var (_, otherToken, _) = await ChatApi.StartAsync(http);

        await using var stranger = Connect($"chat_token={Uri.EscapeDataString(otherToken!)}");
        await stranger.StartAsync();
        await Assert.ThrowsAsync<HubException>(() => stranger.InvokeAsync<JsonElement>("JoinSession", id));
        await Assert.ThrowsAsync<HubException>(() => stranger.InvokeAsync("JoinAgents"));

        await using var client = Connect($"access_token={Uri.EscapeDataString(fixture.ClientToken)}");
        await client.StartAsync();
        await Assert.ThrowsAsync<HubException>(() => client.InvokeAsync("JoinAgents"));
        await Assert.ThrowsAsync<HubException>(() => client.InvokeAsync<JsonElement>("JoinSession", id));
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class ChatHubTestsOnSqlite(SqliteApiFixture fixture) : ChatHubTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class ChatHubTestsOnMongo(MongoApiFixture fixture) : ChatHubTests(fixture);
