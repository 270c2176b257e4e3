using System.Globalization;
using Microsoft.Kiota.Abstractions;

namespace CrmChatbot.Client;

/// <summary>
/// The API's optional request headers, for any generated call's configuration:
/// <c>PutAsync(body, c => c.IfMatch(lead.Version))</c>, <c>PostAsync(body, c => c.IdempotencyKey(key))</c>.
/// </summary>
public static class RequestHeaders
{
    public const string IfMatchHeader = "If-Match";
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ChatTokenHeader = "X-Chat-Token";

    /// <summary>Apply the change only if the entity still has this version (else 412 Precondition Failed).</summary>
    public static RequestConfiguration<T> IfMatch<T>(this RequestConfiguration<T> configuration, long? version)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(version);
        configuration.Headers.TryAdd(IfMatchHeader, ETag(version.Value));
        return configuration;
    }

    /// <summary>
    /// A POST repeated with the same key (1-255 visible ASCII characters) is answered with the first
    /// response instead of being applied twice; make one key per intended action, e.g. <see cref="NewIdempotencyKey"/>.
    /// </summary>
    public static RequestConfiguration<T> IdempotencyKey<T>(this RequestConfiguration<T> configuration, string key)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        configuration.Headers.TryAdd(IdempotencyKeyHeader, key);
        return configuration;
    }

    /// <summary>A visitor's proof of owning a chat session: the session_token returned when it was started.</summary>
    public static RequestConfiguration<T> ChatToken<T>(this RequestConfiguration<T> configuration, string sessionToken)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionToken);
        configuration.Headers.TryAdd(ChatTokenHeader, sessionToken);
        return configuration;
    }

    public static string NewIdempotencyKey() => Guid.NewGuid().ToString("N");

    /// <summary>The entity tag of a version, as the service writes it in ETag: <c>"7"</c>.</summary>
    public static string ETag(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";
}
