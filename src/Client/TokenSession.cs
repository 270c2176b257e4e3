using CrmChatbot.Client.Generated.Models;

namespace CrmChatbot.Client;

/// <summary>The current token and the credentials to get a new one; one re-login at a time.</summary>
internal sealed class TokenSession(Func<LoginRequest, CancellationToken, Task<string>> login) : IDisposable
{
    private readonly SemaphoreSlim _relogin = new(1, 1);
    private LoginRequest? _credentials;
    private volatile string? _accessToken;

    public string? AccessToken => _accessToken;

    public bool CanRelogin => _credentials is not null;

    public void SignedIn(LoginRequest credentials, string accessToken)
    {
        _credentials = credentials;
        _accessToken = accessToken;
    }

    public void SignedOut()
    {
        _credentials = null;
        _accessToken = null;
    }

    /// <summary>
    /// A token to replace <paramref name="rejected"/>: signs in again, unless another request already
    /// did since (then its token is returned). Null when there are no credentials.
    /// </summary>
    public async Task<string?> RenewAsync(string? rejected, CancellationToken cancellationToken)
    {
        await _relogin.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_credentials is not { } credentials)
            {
                return null;
            }

            if (_accessToken is { } current && current != rejected)
            {
                return current;
            }

            _accessToken = await login(credentials, cancellationToken).ConfigureAwait(false);
            return _accessToken;
        }
        finally
        {
            _relogin.Release();
        }
    }

    public void Dispose() => _relogin.Dispose();
}
