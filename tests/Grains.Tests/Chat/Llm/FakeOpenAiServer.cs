using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.Grains.Tests.Chat.Llm;

/// <summary>
/// A loopback stand-in for an OpenAI-compatible server: <c>POST /v1/chat/completions</c> answers with the queued
/// responses in order and records each request body, so tests run without any network.
/// </summary>
internal sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> responses = new();

    private FakeOpenAiServer(WebApplication app) => this.app = app;

    public Uri Endpoint { get; private set; } = null!;

    public ConcurrentQueue<JsonNode> Requests { get; } = new();

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new FakeOpenAiServer(builder.Build());
        server.app.MapPost("/v1/chat/completions", server.HandleAsync);
        await server.app.StartAsync();
        server.Endpoint = new Uri(server.app.Urls.Single() + "/v1");
        return server;
    }

    /// <summary>The next answer: the model calls one tool with these arguments.</summary>
    public void EnqueueToolCall(string name, object arguments) => Enqueue(new JsonObject
    {
        ["role"] = "assistant",
        ["content"] = null,
        ["tool_calls"] = new JsonArray(new JsonObject
        {
            ["id"] = "call_" + name,
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = name, ["arguments"] = JsonSerializer.Serialize(arguments) },
        }),
    }, "tool_calls");

    /// <summary>The next answer: plain text from the model.</summary>
    public void EnqueueText(string text) => Enqueue(new JsonObject { ["role"] = "assistant", ["content"] = text }, "stop");

    public void EnqueueStatus(int status) => responses.Enqueue(context =>
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = new { message = "boom", type = "server_error" } });
    });

    /// <summary>The next answer takes longer than any test's timeout (ends when the client gives up).</summary>
    public void EnqueueDelay(TimeSpan delay) => responses.Enqueue(async context =>
    {
        await Task.Delay(delay, context.RequestAborted);
        context.Response.StatusCode = 500;
    });

    private void Enqueue(JsonObject message, string finishReason) => responses.Enqueue(context =>
        context.Response.WriteAsync(new JsonObject
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion",
            ["created"] = 1_900_000_000,
            ["model"] = "test-model",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finishReason }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["completion_tokens"] = 1, ["total_tokens"] = 2 },
        }.ToJsonString()));

    private async Task HandleAsync(HttpContext context)
    {
        Requests.Enqueue((await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!);
        context.Response.ContentType = "application/json";
        if (!responses.TryDequeue(out var respond))
        {
            context.Response.StatusCode = 500;
            return;
        }

        try
        {
            await respond(context);
        }
        catch (OperationCanceledException)
        {
            // The client timed out: that is the point of the delayed answer.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
