using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace CrmChatbot.Api.Tests.Chat;

/// <summary>Real SignalR clients of the test server's <c>/hubs/chat</c>, and what they hear.</summary>
public static class HubTestClient
{
    /// <summary>Generous: the machine may be slow, and nothing here waits for a timeout to pass.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public static HubConnection Connect(CrmApiFactory factory, string query)
    {
        var server = factory.Server;
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/chat?" + query), options =>
            {
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
            })
            .Build();
    }

    public static HubConnection ConnectAs(CrmApiFactory factory, string accessToken) =>
        Connect(factory, "access_token=" + Uri.EscapeDataString(accessToken));

    /// <summary>Every payload of <paramref name="name"/> events, in arrival order.</summary>
    public static Channel<JsonElement> Record(HubConnection connection, string name)
    {
        var channel = Channel.CreateUnbounded<JsonElement>();
        connection.On<JsonElement>(name, payload => channel.Writer.TryWrite(payload));
        return channel;
    }

    /// <summary>Completes when the connection closes (register before starting it).</summary>
    public static Task Closed(HubConnection connection)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }

    public static async Task<JsonElement> NextAsync(Channel<JsonElement> events, Func<JsonElement, bool> match)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var payload = await events.Reader.ReadAsync(timeout.Token);
            if (match(payload))
            {
                return payload;
            }
        }
    }

    /// <summary>What has arrived so far, without waiting.</summary>
    public static List<JsonElement> Drain(Channel<JsonElement> events)
    {
        var all = new List<JsonElement>();
        while (events.Reader.TryRead(out var payload))
        {
            all.Add(payload);
        }

        return all;
    }

    public static Func<JsonElement, bool> Of(string sessionId) => payload => payload.GetProperty("session_id").GetString() == sessionId;
}
