using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CrmChatbot.Api.Tests.Chat;

/// <summary>Shared HTTP helpers of the chat tests.</summary>
public static class ChatApi
{
    public const string AskForHuman = "I want to talk to a human please";

    public static async Task<(string Id, string? Token, JsonElement Body)> StartAsync(HttpClient client, object? body = null)
    {
        var response = body is null
            ? await client.PostAsync("/api/chat/sessions", null)
            : await client.PostAsJsonAsync("/api/chat/sessions", body);
        var json = await ProblemAssert.JsonAsync(response, HttpStatusCode.Created);
        var token = json.GetProperty("session_token");
        return (json.GetProperty("id").GetString()!, token.ValueKind == JsonValueKind.Null ? null : token.GetString(), json);
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? chatToken, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (chatToken is not null)
        {
            request.Headers.Add("X-Chat-Token", chatToken);
        }

        if (body is string raw)
        {
            request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    public static Task<HttpResponseMessage> SendAsync(HttpClient client, string id, string? chatToken, string text) =>
        client.SendAsync(Request(HttpMethod.Post, $"/api/chat/sessions/{id}/messages", chatToken, new { text }));

    public static Task<HttpResponseMessage> GetAsync(HttpClient client, string id, string? chatToken) =>
        client.SendAsync(Request(HttpMethod.Get, $"/api/chat/sessions/{id}", chatToken));
}

public abstract class ChatSessionTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_visitor_session_needs_its_token_for_every_call()
    {
        using var visitor = fixture.Anonymous();
        var (id, token, created) = await ChatApi.StartAsync(visitor, new { time_zone = "Europe/Paris" });

        Assert.Equal("active", created.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(token));
        var greeting = Assert.Single(created.GetProperty("messages").EnumerateArray());
        Assert.Equal("bot", greeting.GetProperty("role").GetString());

        await ProblemAssert.IsProblemAsync(await ChatApi.GetAsync(visitor, id, null), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await ChatApi.GetAsync(visitor, id, "wrong-token"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await ChatApi.SendAsync(visitor, id, null, "hello"), HttpStatusCode.NotFound);
        var (_, otherToken, _) = await ChatApi.StartAsync(visitor);
        await ProblemAssert.IsProblemAsync(await ChatApi.GetAsync(visitor, id, otherToken), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(
            await visitor.SendAsync(ChatApi.Request(HttpMethod.Post, $"/api/chat/sessions/{id}/close", otherToken)), HttpStatusCode.NotFound);
        using var client = fixture.Client();
        await ProblemAssert.IsProblemAsync(await ChatApi.GetAsync(client, id, null), HttpStatusCode.NotFound);

        var reply = await ProblemAssert.JsonAsync(await ChatApi.SendAsync(visitor, id, token, "hello"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.String, reply.GetProperty("reply").ValueKind);
        Assert.Equal("active", reply.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Array, reply.GetProperty("actions").ValueKind);
        Assert.Equal(JsonValueKind.Array, reply.GetProperty("suggestions").ValueKind);

        var session = await ProblemAssert.JsonAsync(await ChatApi.GetAsync(visitor, id, token), HttpStatusCode.OK);
        Assert.Equal("Europe/Paris", session.GetProperty("time_zone").GetString());
        Assert.True(session.GetProperty("visitor").GetBoolean());
        Assert.Equal(["bot", "user", "bot"], session.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.False(session.TryGetProperty("owner_token_hash", out _));
    }

    [Fact]
    public async Task A_clients_session_is_theirs_and_staff_can_read_it()
    {
        using var client = fixture.Client();
        var (id, token, _) = await ChatApi.StartAsync(client);
        Assert.Null(token);

        var (_, otherClientToken) = await fixture.Factory.CreateUserAsync("client");
        using var otherClient = fixture.Factory.ClientWithToken(otherClientToken);
        using var visitor = fixture.Anonymous();
        await ProblemAssert.IsProblemAsync(await ChatApi.GetAsync(otherClient, id, null), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await ChatApi.SendAsync(otherClient, id, null, "hi"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await ChatApi.GetAsync(visitor, id, null), HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.OK, (await ChatApi.SendAsync(client, id, null, "hello")).StatusCode);
        using var agent = fixture.Agent();
        var seen = await ProblemAssert.JsonAsync(await ChatApi.GetAsync(agent, id, null), HttpStatusCode.OK);
        Assert.False(seen.GetProperty("visitor").GetBoolean());

        var own = await ProblemAssert.JsonAsync(await client.GetAsync("/api/chat/sessions"), HttpStatusCode.OK);
        Assert.Contains(own.GetProperty("items").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        var others = await ProblemAssert.JsonAsync(await otherClient.GetAsync("/api/chat/sessions"), HttpStatusCode.OK);
        Assert.DoesNotContain(others.GetProperty("items").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        await ProblemAssert.IsProblemAsync(await visitor.GetAsync("/api/chat/sessions"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_idempotency_key_never_replays_one_visitors_response_to_another()
    {
        using var visitor = fixture.Anonymous();
        var key = "chat-" + Guid.NewGuid();
        async Task<JsonElement> Start()
        {
            using var request = ChatApi.Request(HttpMethod.Post, "/api/chat/sessions", null);
            request.Headers.Add("Idempotency-Key", key);
            return await ProblemAssert.JsonAsync(await visitor.SendAsync(request), HttpStatusCode.Created);
        }

        var first = await Start();
        var second = await Start();
        Assert.NotEqual(first.GetProperty("session_token").GetString(), second.GetProperty("session_token").GetString());

        var id = first.GetProperty("id").GetString()!;
        async Task<HttpResponseMessage> Send(string? token)
        {
            using var request = ChatApi.Request(HttpMethod.Post, $"/api/chat/sessions/{id}/messages", token, new { text = "my email is a@b.example" });
            request.Headers.Add("Idempotency-Key", key);
            return await visitor.SendAsync(request);
        }

        Assert.Equal(HttpStatusCode.OK, (await Send(first.GetProperty("session_token").GetString())).StatusCode);
        await ProblemAssert.IsProblemAsync(await Send("stolen-guess"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await Send(null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_bad_bearer_token_is_401_not_a_visitor_session()
    {
        using var client = fixture.Factory.ClientWithToken("not-a-token");
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/chat/sessions", null), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Bodies_are_validated()
    {
        using var visitor = fixture.Anonymous();
        var (id, token, _) = await ChatApi.StartAsync(visitor);

        async Task<HttpResponseMessage> Post(object body) =>
            await visitor.SendAsync(ChatApi.Request(HttpMethod.Post, $"/api/chat/sessions/{id}/messages", token, body));

        await ProblemAssert.NamesFieldsAsync(await Post(new { text = "" }), "text");
        await ProblemAssert.NamesFieldsAsync(await Post(new { text = new string('a', 2001) }), "text");
        await ProblemAssert.NamesFieldsAsync(await Post(new { }), "text");
        await ProblemAssert.NamesFieldsAsync(await Post("{\"text\": 42}"), "text");
        await ProblemAssert.NamesFieldsAsync(await Post(new { text = "hi", role = "agent" }), "role");
        Assert.Equal(HttpStatusCode.OK, (await Post(new { text = new string('a', 2000) })).StatusCode);

        await ProblemAssert.NamesFieldsAsync(await visitor.PostAsJsonAsync("/api/chat/sessions", new { time_zone = "Mars/Olympus" }), "time_zone");
        await ProblemAssert.NamesFieldsAsync(await visitor.PostAsJsonAsync("/api/chat/sessions", new { owner_id = "x" }), "owner_id");
    }

    [Fact]
    public async Task Staff_take_answer_release_and_close_a_handed_off_session()
    {
        using var visitor = fixture.Anonymous();
        var (id, token, _) = await ChatApi.StartAsync(visitor);
        var handoff = await ProblemAssert.JsonAsync(await ChatApi.SendAsync(visitor, id, token, ChatApi.AskForHuman), HttpStatusCode.OK);
        Assert.Equal("waiting_for_agent", handoff.GetProperty("status").GetString());

        using var agent = fixture.Agent();
        using var admin = fixture.Admin();
        using var client = fixture.Client();
        var queue = await ProblemAssert.JsonAsync(await agent.GetAsync("/api/chat/sessions?status=waiting_for_agent&limit=200"), HttpStatusCode.OK);
        Assert.Contains(queue.GetProperty("items").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.All(queue.GetProperty("items").EnumerateArray(), s => Assert.Equal("waiting_for_agent", s.GetProperty("status").GetString()));
        await ProblemAssert.NamesFieldsAsync(await agent.GetAsync("/api/chat/sessions?status=busy"), "status");

        // The assistant is quiet while waiting for a human.
        var waiting = await ProblemAssert.JsonAsync(await ChatApi.SendAsync(visitor, id, token, "hello?"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("reply").ValueKind);

        await ProblemAssert.IsProblemAsync(await client.PostAsync($"/api/chat/sessions/{id}/assign", null), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await agent.PostAsync($"/api/chat/sessions/{Guid.NewGuid()}/assign", null), HttpStatusCode.NotFound);
        var assigned = await ProblemAssert.JsonAsync(await agent.PostAsync($"/api/chat/sessions/{id}/assign", null), HttpStatusCode.OK);
        Assert.Equal("with_agent", assigned.GetProperty("status").GetString());
        Assert.Equal(fixture.AgentId, assigned.GetProperty("assigned_agent_id").GetString());

        var (_, otherAgentToken) = await fixture.Factory.CreateUserAsync("agent");
        using var otherAgent = fixture.Factory.ClientWithToken(otherAgentToken);
        await ProblemAssert.IsProblemAsync(await otherAgent.PostAsync($"/api/chat/sessions/{id}/assign", null), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(
            await otherAgent.PostAsJsonAsync($"/api/chat/sessions/{id}/agent-messages", new { text = "me too" }), HttpStatusCode.Conflict);

        var agentMessage = await ProblemAssert.JsonAsync(
            await agent.PostAsJsonAsync($"/api/chat/sessions/{id}/agent-messages", new { text = "Hi, how can I help?" }), HttpStatusCode.OK);
        Assert.Equal("agent", agentMessage.GetProperty("role").GetString());
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync($"/api/chat/sessions/{id}/agent-messages", new { text = "" }), "text");

        var quiet = await ProblemAssert.JsonAsync(await ChatApi.SendAsync(visitor, id, token, "my invoice is wrong"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, quiet.GetProperty("reply").ValueKind);
        Assert.Equal("with_agent", quiet.GetProperty("status").GetString());
        var transcript = await ProblemAssert.JsonAsync(await ChatApi.GetAsync(visitor, id, token), HttpStatusCode.OK);
        Assert.Contains(transcript.GetProperty("messages").EnumerateArray(),
            m => m.GetProperty("role").GetString() == "agent" && m.GetProperty("text").GetString() == "Hi, how can I help?");

        var mine = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/chat/sessions?assigned_agent_id={fixture.AgentId}"), HttpStatusCode.OK);
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), s => s.GetProperty("id").GetString() == id);

        // An admin may take over; then release hands it back to the assistant.
        await ProblemAssert.JsonAsync(await admin.PostAsync($"/api/chat/sessions/{id}/assign", null), HttpStatusCode.OK);
        var released = await ProblemAssert.JsonAsync(await admin.PostAsync($"/api/chat/sessions/{id}/release", null), HttpStatusCode.OK);
        Assert.Equal("active", released.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, released.GetProperty("assigned_agent_id").ValueKind);
        var answered = await ProblemAssert.JsonAsync(await ChatApi.SendAsync(visitor, id, token, "ok thanks"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.String, answered.GetProperty("reply").ValueKind);

        var closed = await ProblemAssert.JsonAsync(
            await visitor.SendAsync(ChatApi.Request(HttpMethod.Post, $"/api/chat/sessions/{id}/close", token)), HttpStatusCode.OK);
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        await ProblemAssert.IsProblemAsync(await ChatApi.SendAsync(visitor, id, token, "one more thing"), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await agent.PostAsync($"/api/chat/sessions/{id}/assign", null), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Staff_may_close_any_session()
    {
        using var client = fixture.Client();
        var (id, _, _) = await ChatApi.StartAsync(client);
        using var agent = fixture.Agent();

        var closed = await ProblemAssert.JsonAsync(await agent.PostAsync($"/api/chat/sessions/{id}/close", null), HttpStatusCode.OK);

        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Equal("system", closed.GetProperty("messages").EnumerateArray().Last().GetProperty("role").GetString());
        await ProblemAssert.IsProblemAsync(await ChatApi.SendAsync(client, id, null, "hi"), HttpStatusCode.Conflict);
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class ChatSessionTestsOnSqlite(SqliteApiFixture fixture) : ChatSessionTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class ChatSessionTestsOnMongo(MongoApiFixture fixture) : ChatSessionTests(fixture);
