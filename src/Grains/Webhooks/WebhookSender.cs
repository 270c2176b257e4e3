using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Webhooks;

/// <summary>
/// Posts one signed event with the named client <see cref="ClientName"/> (its handler refuses private addresses after
/// DNS resolution unless allowed, follows no redirects) and a per-request timeout. Never throws for receiver failures.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, IOptions<WebhookOptions> options, TimeProvider clock)
{
    public const string ClientName = "crm-webhooks";

    public async Task<WebhookSendResult> SendAsync(string url, IReadOnlyList<string> secrets, WebhookEvent webhookEvent)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(webhookEvent);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(webhookEvent.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", webhookEvent.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookRules.Sign(secrets, webhookEvent.Id, timestamp, webhookEvent.Body));
        request.Headers.UserAgent.ParseAdd("CrmChatbot-Webhooks/1.0");

        var started = clock.GetTimestamp();
        using var timeout = new CancellationTokenSource(options.Value.Timeout);
        try
        {
            using var client = clients.CreateClient(ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            var elapsed = Elapsed(started);
            return code is >= 200 and < 300
                ? new WebhookSendResult(code, elapsed, null)
                : new WebhookSendResult(code, elapsed, $"HTTP {code} {response.ReasonPhrase}".TrimEnd());
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new WebhookSendResult(null, Elapsed(started), $"no answer within {options.Value.Timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException ex)
        {
            return new WebhookSendResult(null, Elapsed(started), Describe(ex));
        }
    }

    private long Elapsed(long started) => (long)clock.GetElapsedTime(started).TotalMilliseconds;

    private static string Describe(Exception ex)
    {
        var message = ex.Message;
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            message = inner.Message; // the cause (connection refused, name not resolved, refused address)
        }

        return message.Length <= 300 ? message : message[..300];
    }

    /// <summary>
    /// The handler of <see cref="ClientName"/>: no proxy, no redirects, no cookies; unless private networks are
    /// allowed, a connection goes only to a resolved address that is not private (no DNS-rebinding way around the
    /// check at creation).
    /// </summary>
    public static SocketsHttpHandler CreateHandler(WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.Timeout,
        };
        if (!options.AllowPrivateNetworks)
        {
            handler.ConnectCallback = ConnectPublicAsync;
        }

        return handler;
    }

    private static async ValueTask<Stream> ConnectPublicAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(a => !WebhookRules.IsPrivate(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"'{host}' resolves to a private, loopback or link-local address only; webhooks are not sent there");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
