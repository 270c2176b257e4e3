using CrmChatbot.TestSupport;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrmChatbot.EndToEnd.Tests;

/// <summary>A chat session is a persisted grain: the conversation survives a restart of the process.</summary>
public sealed class ChatRestartTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "crm-e2e-chat-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task A_visitor_conversation_survives_a_restart_and_goes_on()
    {
        var environment = SiloProcess.Environment(_dataDir);
        string id, token;
        int messagesBefore;
        await using (var first = SiloProcess.Start(environment))
        {
            await first.WaitReadyAsync();
            var started = await first.Http.PostAsJsonAsync("/api/chat/sessions", new { time_zone = "Europe/Berlin" });
            Assert.Equal(HttpStatusCode.Created, started.StatusCode);
            var session = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement;
            id = session.GetProperty("id").GetString()!;
            token = session.GetProperty("session_token").GetString()!;

            var turn = await SendAsync(first, id, token, "Hi, I'm Ada Lovelace from Acme, I'd like a demo");
            Assert.Equal(HttpStatusCode.OK, turn.StatusCode);
            messagesBefore = (await GetAsync(first, id, token)).GetProperty("messages").GetArrayLength();
            Assert.Equal(0, await first.StopAsync());
        }

        await using var second = SiloProcess.Start(environment);
        await second.WaitReadyAsync();
        var reloaded = await GetAsync(second, id, token);
        Assert.Equal(messagesBefore, reloaded.GetProperty("messages").GetArrayLength());
        Assert.Contains(reloaded.GetProperty("messages").EnumerateArray(),
            m => m.GetProperty("text").GetString() == "Hi, I'm Ada Lovelace from Acme, I'd like a demo");

        // The assistant remembers the task: the next answer fills what it asked for.
        var next = await SendAsync(second, id, token, "ada@acme.io");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        var after = await GetAsync(second, id, token);
        Assert.Equal(messagesBefore + 2, after.GetProperty("messages").GetArrayLength());
        Assert.Equal("ada@acme.io", after.GetProperty("slots").GetProperty("email").GetString());
        Assert.Equal("Ada Lovelace", after.GetProperty("slots").GetProperty("name").GetString());
    }

    private static async Task<HttpResponseMessage> SendAsync(SiloProcess silo, string id, string token, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/chat/sessions/{id}/messages") { Content = JsonContent.Create(new { text }) };
        request.Headers.Add("X-Chat-Token", token);
        var response = await silo.Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync() + "\n" + silo.Output);
        return response;
    }

    private static async Task<JsonElement> GetAsync(SiloProcess silo, string id, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/chat/sessions/{id}");
        request.Headers.Add("X-Chat-Token", token);
        var response = await silo.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body + "\n" + silo.Output);
        return JsonDocument.Parse(body).RootElement;
    }
}
