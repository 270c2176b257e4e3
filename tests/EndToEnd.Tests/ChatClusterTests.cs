using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using CrmChatbot.TestSupport;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>
/// Live chat across a cluster of real Silo processes on MongoDB membership: an agent connected to one
/// silo's hub hears a visitor who talks through another silo, and the other way round, each event once
/// and in order; a third silo dying (kill -9) delays neither.
/// </summary>
public sealed class ChatClusterTests
{
    private const string AskForHuman = "I want to talk to a human please";
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(15);

    /// <summary>Generous for two round trips on a loaded 2-core machine; far below Orleans' 30 s call timeout.</summary>
    private static readonly TimeSpan LiveBound = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task An_agent_on_one_silo_and_a_visitor_on_another_hear_each_other_live_exactly_once()
    {
        var server = await MongoTestServer.SharedAsync();
        var database = MongoTestServer.NewDatabaseName("chat-cluster");
        var clusterId = "e2e-chat-" + Guid.NewGuid().ToString("N")[..12];
        var environments = Enumerable.Range(0, 3).Select(_ => ClusterTests.ClusterEnvironment(server.ConnectionString, database, clusterId)).ToList();
        await using var siloA = SiloProcess.Start(environments[0]);
        await using var siloB = SiloProcess.Start(environments[1]);
        await using var siloC = SiloProcess.Start(environments[2]);
        await Task.WhenAll(siloA.WaitReadyAsync(), siloB.WaitReadyAsync(), siloC.WaitReadyAsync());

        using var agentHttp = await SiloProcess.AgentClientAsync(siloA, create: true);
        var agentToken = agentHttp.DefaultRequestHeaders.Authorization!.Parameter!;

        // The agent watches the queue on silo A; colleagues watch it on B and C.
        var agentQuery = $"access_token={Uri.EscapeDataString(agentToken)}";
        await using var agent = await ConnectAsync(siloA, agentQuery);
        await using var colleagueOnB = await ConnectAsync(siloB, agentQuery);
        await using var colleagueOnC = await ConnectAsync(siloC, agentQuery);
        var agentQueue = agent.Record("queue");
        var agentMessages = agent.Record("message");
        var queueOnB = colleagueOnB.Record("queue");
        var queueOnC = colleagueOnC.Record("queue");
        foreach (var staff in new[] { agent, colleagueOnB, colleagueOnC })
        {
            await staff.Connection.InvokeAsync("JoinAgents");
        }

        await WaitUntilSilosHearEachOtherAsync([(siloA, agentQueue), (siloB, queueOnB), (siloC, queueOnC)]);

        // A visitor starts a conversation through silo B and follows it on B's hub.
        var (id, chatToken) = await StartVisitorAsync(siloB);
        await using var visitor = await ConnectAsync(siloB, $"session_id={id}&chat_token={Uri.EscapeDataString(chatToken)}");
        var visitorMessages = visitor.Record("message");
        var visitorStatus = visitor.Record("status");
        Assert.Equal(id, (await visitor.Connection.InvokeAsync<JsonElement>("JoinSession", id)).GetProperty("id").GetString());

        // Through B: the hand-off request. A's agent hears the queue event and the conversation.
        await SendAsVisitorAsync(siloB, id, chatToken, AskForHuman);
        var queued = await agentQueue.NextAsync(q => SessionOf(q) == id);
        Assert.True(queued.GetProperty("waiting").GetBoolean());
        Assert.Equal("waiting_for_agent", queued.GetProperty("status").GetString());
        Assert.True((await queueOnC.NextAsync(q => SessionOf(q) == id)).GetProperty("waiting").GetBoolean());
        var asked = await agentMessages.NextAsync(m => SessionOf(m) == id && m.GetProperty("role").GetString() == "user");
        Assert.Equal(AskForHuman, asked.GetProperty("text").GetString());

        // Through A: the agent takes the session and answers; the visitor on B hears both.
        using (var assigned = await agentHttp.PostAsync($"/api/chat/sessions/{id}/assign", null))
        {
            Assert.True(assigned.StatusCode == HttpStatusCode.OK, await assigned.Content.ReadAsStringAsync());
        }

        var taken = await agentQueue.NextAsync(q => SessionOf(q) == id);
        Assert.False(taken.GetProperty("waiting").GetBoolean());
        var withAgent = await visitorStatus.NextAsync(s => s.GetProperty("status").GetString() == "with_agent");
        Assert.Equal(id, SessionOf(withAgent));
        Assert.False(string.IsNullOrEmpty(withAgent.GetProperty("assigned_agent_id").GetString()));

        using (var reply = await agentHttp.PostAsJsonAsync($"/api/chat/sessions/{id}/agent-messages", new { text = "Hello from silo A." }))
        {
            Assert.True(reply.StatusCode == HttpStatusCode.OK, await reply.Content.ReadAsStringAsync());
        }

        var heard = await visitorMessages.NextAsync(m => m.GetProperty("role").GetString() == "agent");
        Assert.Equal("Hello from silo A.", heard.GetProperty("text").GetString());
        Assert.Equal(id, SessionOf(heard));

        // Through B again: the visitor answers, and A's agent hears it.
        await SendAsVisitorAsync(siloB, id, chatToken, "Thanks, silo B here.");
        var thanks = await agentMessages.NextAsync(m => SessionOf(m) == id && m.GetProperty("text").GetString() == "Thanks, silo B here.");
        Assert.Equal("user", thanks.GetProperty("role").GetString());

        // Silo C dies (kill -9). Until the cluster declares it dead, A and B still send it updates: that
        // must hold up neither the requests nor the live updates between A and B. (A grain that lived on
        // C, the session's or the agent's, is unreachable until then too: retry, as ClusterTests does.)
        await siloC.KillAsync();
        const string afterKill = "Still here after silo C died.";
        var posted = await UntilOkAsync(() => agentHttp.PostAsJsonAsync($"/api/chat/sessions/{id}/agent-messages", new { text = afterKill }));
        var elapsed = Stopwatch.StartNew();
        var stillHere = await visitorMessages.NextAsync(m => m.GetProperty("role").GetString() == "agent");
        Assert.Equal(afterKill, stillHere.GetProperty("text").GetString());
        await SendAsVisitorAsync(siloB, id, chatToken, "Good to hear.");
        await agentMessages.NextAsync(m => SessionOf(m) == id && m.GetProperty("text").GetString() == "Good to hear.");
        Assert.True(posted + elapsed.Elapsed < LiveBound, $"The reply took {posted} and two live deliveries {elapsed.Elapsed} after a silo died");

        // Exactly once, in order: the agent heard every message from the hand-off on, the visitor every
        // message after the greeting (sent before it connected), each once and in transcript order.
        await Task.Delay(500); // room for a duplicate to arrive, were there one
        var transcript = await TranscriptIdsAsync(agentHttp, id);
        var handoff = transcript.IndexOf(MessageId(asked));
        Assert.True(handoff > 0, "The hand-off request is not in the transcript");
        Assert.Equal(transcript[handoff..], agentMessages.All.Where(m => SessionOf(m) == id).Select(MessageId));
        Assert.Equal(transcript[1..], visitorMessages.All.Select(MessageId));
        Assert.Single(visitorStatus.All, s => s.GetProperty("status").GetString() == "with_agent");
        Assert.Equal(2, agentQueue.All.Count(q => SessionOf(q) == id));
        var texts = JsonDocument.Parse(await agentHttp.GetStringAsync($"/api/chat/sessions/{id}")).RootElement
            .GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString());
        Assert.Single(texts, text => text == afterKill);

        // The survivors stop cleanly, send loops and all, while their clients are still connected.
        var exitCodes = await Task.WhenAll(siloA.StopAsync(), siloB.StopAsync());
        Assert.All(exitCodes, code => Assert.Equal(0, code));
        Assert.All(new[] { siloA, siloB }, s => Assert.DoesNotContain("ungraceful", s.Output, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Deactivating_an_agent_through_one_silo_closes_its_hub_connections_on_every_silo()
    {
        var server = await MongoTestServer.SharedAsync();
        var database = MongoTestServer.NewDatabaseName("chat-revoke");
        var clusterId = "e2e-revoke-" + Guid.NewGuid().ToString("N")[..12];
        await using var siloA = SiloProcess.Start(ClusterTests.ClusterEnvironment(server.ConnectionString, database, clusterId));
        await using var siloB = SiloProcess.Start(ClusterTests.ClusterEnvironment(server.ConnectionString, database, clusterId));
        await Task.WhenAll(siloA.WaitReadyAsync(), siloB.WaitReadyAsync());

        using var agentHttp = await SiloProcess.AgentClientAsync(siloA, create: true);
        var agentToken = agentHttp.DefaultRequestHeaders.Authorization!.Parameter!;
        var agentId = JsonDocument.Parse(await agentHttp.GetStringAsync("/api/auth/me")).RootElement.GetProperty("id").GetString();
        var adminToken = await siloB.LoginAsync(SiloProcess.AdminEmail, SiloProcess.AdminPassword);

        await using var agentOnA = await ConnectAsync(siloA, $"access_token={Uri.EscapeDataString(agentToken)}");
        await using var agentOnB = await ConnectAsync(siloB, $"access_token={Uri.EscapeDataString(agentToken)}");
        await using var adminOnA = await ConnectAsync(siloA, $"access_token={Uri.EscapeDataString(adminToken)}");
        var queueOnA = agentOnA.Record("queue");
        var queueOnB = agentOnB.Record("queue");
        var adminQueue = adminOnA.Record("queue");
        foreach (var staff in new[] { agentOnA, agentOnB, adminOnA })
        {
            await staff.Connection.InvokeAsync("JoinAgents");
        }

        await WaitUntilSilosHearEachOtherAsync([(siloA, queueOnA), (siloB, queueOnB)]);

        // Through B; the user grain may live on either silo: both silos' connections of the account close.
        using var admin = siloB.AuthorizedClient(adminToken);
        using (var deactivated = await admin.PatchAsJsonAsync($"/api/users/{agentId}", new { is_active = false }))
        {
            Assert.True(deactivated.StatusCode == HttpStatusCode.OK, await deactivated.Content.ReadAsStringAsync());
        }

        await agentOnA.Closed.WaitAsync(TimeSpan.FromSeconds(60));
        await agentOnB.Closed.WaitAsync(TimeSpan.FromSeconds(60));

        // The admin's connection is untouched and still hears the queue, whichever silo the change goes through.
        var (id, chatToken) = await StartVisitorAsync(siloB);
        await SendAsVisitorAsync(siloB, id, chatToken, AskForHuman);
        await adminQueue.NextAsync(q => SessionOf(q) == id);
        Assert.Equal(HubConnectionState.Connected, adminOnA.Connection.State);
        Assert.DoesNotContain(queueOnA.All, q => SessionOf(q) == id);
        Assert.DoesNotContain(queueOnB.All, q => SessionOf(q) == id);
    }

    /// <summary>Repeats the request until it is 200 (up to 60 s); returns how long the successful attempt took.</summary>
    private static async Task<TimeSpan> UntilOkAsync(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var attempt = Stopwatch.StartNew();
            using var response = await send();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return attempt.Elapsed;
            }

            var body = await response.Content.ReadAsStringAsync();
            ClusterTests.AssertNoServerFault(response, body);
            Assert.True(DateTime.UtcNow < deadline, $"Still {(int)response.StatusCode} after 60 s: {body}");
            await Task.Delay(500);
        }
    }

    /// <summary>
    /// Each silo learns of the others through the membership table: until then an update published on
    /// one cannot reach the others. Hand-off requests through each silo, until every other silo's agent hears one.
    /// </summary>
    private static async Task WaitUntilSilosHearEachOtherAsync(IReadOnlyList<(SiloProcess Silo, Recording Queue)> silos)
    {
        foreach (var (via, _) in silos)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            var listeners = silos.Where(s => s.Silo != via).Select(s => s.Queue).ToList();
            while (listeners.Count > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"Silo {via.Port}'s updates never reached every other silo:\n{via.Output}");
                var (probe, token) = await StartVisitorAsync(via);
                await SendAsVisitorAsync(via, probe, token, AskForHuman);
                foreach (var listener in listeners.ToList())
                {
                    if (await listener.TryNextAsync(q => SessionOf(q) == probe, TimeSpan.FromSeconds(2)) is not null)
                    {
                        listeners.Remove(listener);
                    }
                }
            }
        }
    }

    private static string? SessionOf(JsonElement payload) => payload.GetProperty("session_id").GetString();

    private static string MessageId(JsonElement message) => message.GetProperty("id").GetString()!;

    private static async Task<(string Id, string Token)> StartVisitorAsync(SiloProcess silo)
    {
        using var started = await silo.Http.PostAsJsonAsync("/api/chat/sessions", new { time_zone = "UTC" });
        var body = await started.Content.ReadAsStringAsync();
        Assert.True(started.StatusCode == HttpStatusCode.Created, body);
        var session = JsonDocument.Parse(body).RootElement;
        return (session.GetProperty("id").GetString()!, session.GetProperty("session_token").GetString()!);
    }

    private static async Task SendAsVisitorAsync(SiloProcess silo, string id, string token, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/chat/sessions/{id}/messages") { Content = JsonContent.Create(new { text }) };
        request.Headers.Add("X-Chat-Token", token);
        using var response = await silo.Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<List<string>> TranscriptIdsAsync(HttpClient staff, string id)
    {
        var session = JsonDocument.Parse(await staff.GetStringAsync($"/api/chat/sessions/{id}")).RootElement;
        return [.. session.GetProperty("messages").EnumerateArray().Select(MessageId)];
    }

    private static async Task<HubClient> ConnectAsync(SiloProcess silo, string query)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(silo.BaseAddress, "/hubs/chat?" + query), options =>
            {
                // As the widget connects: one WebSocket request, nothing for a load balancer to split.
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .Build();
        var client = new HubClient(connection);
        await connection.StartAsync();
        return client;
    }

    private sealed class HubClient : IAsyncDisposable
    {
        private readonly HubConnection connection;
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HubClient(HubConnection connection)
        {
            this.connection = connection;
            connection.Closed += _ =>
            {
                _closed.TrySetResult();
                return Task.CompletedTask;
            };
        }

        public HubConnection Connection => connection;

        /// <summary>Completes when the connection has closed.</summary>
        public Task Closed => _closed.Task;

        /// <summary>Records every payload of <paramref name="name"/>; register before the events can arrive.</summary>
        public Recording Record(string name)
        {
            var recording = new Recording();
            connection.On<JsonElement>(name, recording.Add);
            return recording;
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    /// <summary>The payloads of one event name: all of them, and a queue to wait on.</summary>
    private sealed class Recording
    {
        private readonly Channel<JsonElement> _pending = Channel.CreateUnbounded<JsonElement>();
        private readonly List<JsonElement> _all = [];

        public IReadOnlyList<JsonElement> All
        {
            get
            {
                lock (_all)
                {
                    return [.. _all];
                }
            }
        }

        public void Add(JsonElement payload)
        {
            lock (_all)
            {
                _all.Add(payload.Clone());
            }

            _pending.Writer.TryWrite(payload.Clone());
        }

        public async Task<JsonElement> NextAsync(Func<JsonElement, bool> match) =>
            await TryNextAsync(match, EventWait) ?? throw new TimeoutException($"No matching event within {EventWait}; received: {string.Join(", ", All)}");

        public async Task<JsonElement?> TryNextAsync(Func<JsonElement, bool> match, TimeSpan wait)
        {
            using var timeout = new CancellationTokenSource(wait);
            try
            {
                while (true)
                {
                    var payload = await _pending.Reader.ReadAsync(timeout.Token);
                    if (match(payload))
                    {
                        return payload;
                    }
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                return null;
            }
        }
    }
}
