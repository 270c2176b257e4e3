using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using CrmChatbot.Common;

namespace CrmChatbot.Webhooks;

/// <summary>Event types, subscription patterns, target URLs, secrets, signatures and the retry schedule of webhooks.</summary>
public static class WebhookRules
{
    public const string TestEventType = "webhook.test";

    public const string SecretPrefix = "whsec_";

    /// <summary>
    /// Every event type: "kind.action" of each timeline action an entity grain records (README: event catalogue).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Catalogue { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["lead"] = ["created", "updated", "assigned", "converted", "meeting_booked", "meeting_removed", "deleted"],
        ["ticket"] = ["created", "updated", "status_changed", "assigned", "staff_updated", "commented", "internal_note", "sla_breached", "deleted"],
        ["meeting"] = ["created", "updated", "rescheduled", "cancelled", "participant_responded", "reminder_sent", "deleted"],
        ["campaign"] = ["created", "updated", "status_changed", "metrics_added", "lead_counted", "deleted"],
        ["chat"] = ["handoff_requested"],
    };

    /// <summary>The event type of a timeline entry, e.g. <c>ticket.status_changed</c>.</summary>
    public static string EventType(TimelineEntry entry) => $"{entry.EntityKind}.{entry.Action}";

    /// <summary>Why <paramref name="pattern"/> is no subscription pattern, or null: "*", "kind.*" or a catalogued type.</summary>
    public static string? CheckPattern(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return "an event pattern is empty";
        }

        if (pattern == "*")
        {
            return null;
        }

        var dot = pattern.IndexOf('.', StringComparison.Ordinal);
        var kind = dot < 0 ? pattern : pattern[..dot];
        if (!Catalogue.TryGetValue(kind, out var actions))
        {
            return $"'{pattern}' names no entity kind ({string.Join(", ", Catalogue.Keys)})";
        }

        var action = dot < 0 ? "" : pattern[(dot + 1)..];
        return action == "*" || actions.Contains(action, StringComparer.Ordinal)
            ? null
            : $"'{pattern}' is no event type; {kind} has {string.Join(", ", actions.Select(a => kind + "." + a))} and {kind}.*";
    }

    /// <summary>True when <paramref name="type"/> matches one of <paramref name="patterns"/> (exact, "kind.*" or "*").</summary>
    public static bool Matches(IEnumerable<string> patterns, string type) => patterns.Any(pattern =>
        pattern == "*" || pattern == type ||
        (pattern.EndsWith(".*", StringComparison.Ordinal) && type.StartsWith(pattern[..^1], StringComparison.Ordinal)));

    /// <summary>Why <paramref name="url"/> cannot be a target, or null. Host names are checked again, resolved, at every send.</summary>
    public static string? CheckUrl(string? url, bool allowPrivateNetworks)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2048)
        {
            return "must be an absolute http or https URL of at most 2048 characters";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "must be an absolute http or https URL";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "must not carry a user name or password";
        }

        if (!string.IsNullOrEmpty(uri.Fragment))
        {
            return "must not have a fragment (#...)";
        }

        if (allowPrivateNetworks)
        {
            return null;
        }

        if (uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
            uri.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return "must not point at this machine (loopback); set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow it";
        }

        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IsPrivate(address)
            ? "must not point at a private, loopback or link-local address; set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow it"
            : null;
    }

    /// <summary>Loopback, private (RFC 1918, unique local), carrier-grade NAT, link-local, unspecified and multicast addresses.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return bytes[0] switch
            {
                0 or 10 or 127 => true,
                100 => bytes[1] is >= 64 and <= 127,
                169 => bytes[1] == 254,
                172 => bytes[1] is >= 16 and <= 31,
                192 => bytes[1] == 168 || (bytes[1] == 0 && bytes[2] == 0),
                >= 224 => true, // multicast, reserved, broadcast
                _ => false,
            };
        }

        return address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast ||
            (bytes[0] & 0xFE) == 0xFC; // fc00::/7 unique local
    }

    /// <summary>A new signing secret: "whsec_" + base64 of 32 random bytes (the Standard Webhooks form).</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// The webhook-signature header: "v1," + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")) per secret, space
    /// separated (two while a rotated secret still signs). The key is the base64-decoded part after "whsec_".
    /// </summary>
    public static string Sign(IEnumerable<string> secrets, string id, long timestamp, string body)
    {
        var content = Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{body}");
        return string.Join(' ', secrets.Select(secret =>
            "v1," + Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(secret[SecretPrefix.Length..]), content))));
    }

    /// <summary>
    /// The delay before retry number <paramref name="retry"/> (1 = the first retry): the base doubled per retry,
    /// capped, each time between 80 % and 120 % of it (<paramref name="jitter"/> in [0, 1)) so that receivers coming
    /// back are not hit by every subscription at once.
    /// </summary>
    public static TimeSpan RetryDelay(int retry, WebhookOptions options, double jitter)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var exponential = options.RetryBase.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 40));
        var capped = Math.Min(exponential, options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (0.4 * jitter)));
    }

    /// <summary>True when an event first failed at <paramref name="firstFailure"/> is given up at <paramref name="now"/>.</summary>
    public static bool GiveUp(DateTime firstFailure, DateTime now, WebhookOptions options) => now - firstFailure >= options.RetryWindow;
}
