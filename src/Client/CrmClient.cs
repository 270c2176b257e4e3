using CrmChatbot.Client.Generated;
using CrmChatbot.Client.Generated.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace CrmChatbot.Client;

/// <summary>
/// The CrmChatbot API as a typed client. <see cref="Api"/> is the generated (Kiota) surface,
/// e.g. <c>client.Api.Api.Leads["id"].GetAsync()</c>; this class adds signing in, and signs in
/// again with the same credentials when the service answers 401 (an expired token, a restarted
/// service with a new key), then repeats the request once.
/// </summary>
public sealed class CrmClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly TokenSession _session;

    private CrmClient(Uri baseUrl, HttpMessageHandler? innerHandler)
    {
        _session = new TokenSession(LoginAsync);
        _http = new HttpClient(new ReloginHandler(_session, innerHandler ?? new HttpClientHandler()))
        {
            BaseAddress = baseUrl,
        };
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: _http)
        {
            BaseUrl = baseUrl.ToString().TrimEnd('/'),
        };
        Api = new CrmApiClient(adapter);
    }

    /// <summary>The generated client: one property per path segment, one method per operation.</summary>
    public CrmApiClient Api { get; }

    /// <summary>The bearer token sent with every request, or null before signing in.</summary>
    public string? AccessToken => _session.AccessToken;

    /// <summary>A client that has not signed in (for registration, or a visitor's chat).</summary>
    /// <param name="innerHandler">The handler that sends the requests (default: a new <see cref="HttpClientHandler"/>).</param>
    public static CrmClient Create(Uri baseUrl, HttpMessageHandler? innerHandler = null) => new(baseUrl, innerHandler);

    /// <summary>Signs in; the client keeps the credentials to sign in again when a token stops working.</summary>
    public async Task<TokenResponse> SignInAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        var credentials = new LoginRequest { Email = email, Password = password };
        var token = await Api.Api.Auth.Login.PostAsync(credentials, cancellationToken: cancellationToken).ConfigureAwait(false);
        _session.SignedIn(credentials, token!.AccessToken!);
        return token;
    }

    /// <summary>Creates a client account and signs in as it.</summary>
    public async Task<TokenResponse> RegisterAsync(string email, string password, string name, CancellationToken cancellationToken = default)
    {
        var token = await Api.Api.Auth.Register.PostAsync(
            new RegisterRequest { Email = email, Password = password, Name = name }, cancellationToken: cancellationToken).ConfigureAwait(false);
        _session.SignedIn(new LoginRequest { Email = email, Password = password }, token!.AccessToken!);
        return token;
    }

    /// <summary>Forgets the token and the credentials.</summary>
    public void SignOut() => _session.SignedOut();

    public void Dispose()
    {
        _http.Dispose();
        _session.Dispose();
    }

    private async Task<string> LoginAsync(LoginRequest credentials, CancellationToken cancellationToken)
    {
        var token = await Api.Api.Auth.Login.PostAsync(credentials, cancellationToken: cancellationToken).ConfigureAwait(false);
        return token!.AccessToken!;
    }
}
