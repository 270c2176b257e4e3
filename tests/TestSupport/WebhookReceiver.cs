using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmChatbot.TestSupport;

/// <summary>How the test receiver answers.</summary>
public enum ReceiverMode
{
    /// <summary>200.</summary>
    Up,

    /// <summary>503 (a receiver that is down behind its proxy).</summary>
    Unavailable,

    /// <summary>The connection is reset without an answer (a dead receiver).</summary>
    Reset,

    /// <summary>410 Gone.</summary>
    Gone,

    /// <summary>500.</summary>
    Error,
}

/// <summary>One request the receiver got, whatever it answered.</summary>
public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string Body, ReceiverMode AnsweredWith)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public string Type => Json.GetProperty("type").GetString()!;

    public string EntityId => Json.GetProperty("entity").GetProperty("id").GetString()!;

    public long Version => Json.GetProperty("entity").GetProperty("version").GetInt64();
}

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel on port 0; the bound port is read back): records every request and
/// answers as <see cref="Mode"/> says. Waits are on conditions over what arrived, never on time.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ReceivedWebhook> _received = [];
    private readonly List<(Func<IReadOnlyList<ReceivedWebhook>, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    private WebhookReceiver(WebApplication app) => _app = app;

    public ReceiverMode Mode { get; set; } = ReceiverMode.Up;

    public string Url { get; private set; } = "";

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The requests answered with 200.</summary>
    public IReadOnlyList<ReceivedWebhook> Delivered => [.. Received.Where(r => r.AnsweredWith == ReceiverMode.Up)];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    /// <summary>Completes when <paramref name="condition"/> holds for what arrived (checked on every request).</summary>
    public Task WaitForAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> condition, TimeSpan? timeout = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_received)
        {
            if (condition(_received))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, done));
        }

        return done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(90));
    }

    /// <summary>Waits until the events with these ids were delivered (answered 200).</summary>
    public Task WaitForDeliveredAsync(IEnumerable<string> ids, TimeSpan? timeout = null)
    {
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        return WaitForAsync(all => wanted.IsSubsetOf(all.Where(r => r.AnsweredWith == ReceiverMode.Up).Select(r => r.Id)), timeout);
    }

    /// <summary>
    /// The Standard Webhooks check a receiver does: some "v1,..." signature in the header equals
    /// base64(HMAC-SHA256(base64-decoded secret after "whsec_", "{id}.{timestamp}.{body}")).
    /// </summary>
    public static bool Verify(string secret, string id, string timestamp, string body, string signatureHeader)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.StartsWith("v1,", StringComparison.Ordinal))
            .Any(s => CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(s[3..]), expected));
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var mode = Mode;
        var received = new ReceivedWebhook(
            context.Request.Headers["webhook-id"].ToString(),
            context.Request.Headers["webhook-timestamp"].ToString(),
            context.Request.Headers["webhook-signature"].ToString(),
            body,
            mode);
        lock (_received)
        {
            _received.Add(received);
            foreach (var waiter in _waiters.Where(w => w.Condition(_received)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }

        switch (mode)
        {
            case ReceiverMode.Reset:
                context.Abort();
                break;
            case ReceiverMode.Unavailable:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                break;
            case ReceiverMode.Gone:
                context.Response.StatusCode = StatusCodes.Status410Gone;
                break;
            case ReceiverMode.Error:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status200OK;
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
