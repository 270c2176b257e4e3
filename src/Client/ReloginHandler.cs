using System.Net;
using System.Net.Http.Headers;

namespace CrmChatbot.Client;

/// <summary>
/// Sends the session's bearer token; on 401 signs in again and repeats the request once (a 401 means
/// the service did not act on it, so repeating is safe even for a POST).
/// </summary>
internal sealed class ReloginHandler(TokenSession session, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (IsSignIn(request))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var token = session.AccessToken;
        Authorize(request, token);
        // The body is read once more for the repeat, so keep a copy when a repeat is possible.
        var body = session.CanRelogin && request.Content is not null
            ? await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)
            : null;
        if (body is not null)
        {
            request.Content = Copy(request.Content!, body);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !session.CanRelogin)
        {
            return response;
        }

        var renewed = await session.RenewAsync(token, cancellationToken).ConfigureAwait(false);
        if (renewed is null)
        {
            return response;
        }

        response.Dispose();
        using var repeat = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version };
        foreach (var header in request.Headers)
        {
            repeat.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (body is not null)
        {
            repeat.Content = Copy(request.Content!, body);
        }

        Authorize(repeat, renewed);
        return await base.SendAsync(repeat, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sign-in and registration carry credentials, not a token: a 401 there is the answer.</summary>
    private static bool IsSignIn(HttpRequestMessage request) =>
        request.RequestUri?.AbsolutePath is { } path &&
        (path.EndsWith("/api/auth/login", StringComparison.Ordinal) || path.EndsWith("/api/auth/register", StringComparison.Ordinal));

    private static void Authorize(HttpRequestMessage request, string? token) =>
        request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);

    private static ByteArrayContent Copy(HttpContent original, byte[] body)
    {
        var copy = new ByteArrayContent(body);
        foreach (var header in original.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return copy;
    }
}
