using System.Net;
using System.Text;
using CrmChatbot.Client;
using CrmChatbot.Client.Generated.Models;

namespace CrmChatbot.Api.Tests.Client;

/// <summary>The client's re-login on 401, against a scripted service (an expired token cannot be made on demand).</summary>
public sealed class ReloginTests
{
    private static readonly Uri BaseUrl = new("http://crm.test");

    [Fact]
    public async Task A_401_signs_in_again_with_the_same_credentials_and_repeats_the_request_with_its_body_once()
    {
        var service = new ScriptedService();
        using var client = CrmClient.Create(BaseUrl, service);
        await client.SignInAsync("agent@crm.test", "agent-password");
        service.ExpireTokens();

        var lead = await client.Api.Api.Leads.PostAsync(new CreateLeadRequest { Name = "Ada" }, c => c.IdempotencyKey("key-1"));

        Assert.Equal("Ada", lead!.Name);
        Assert.Equal(2, service.Logins);
        Assert.Equal("token-2", client.AccessToken);
        // The rejected attempt and the repeat carried the same body and headers, the repeat the new token.
        Assert.Equal(["Bearer token-1", "Bearer token-2"], service.LeadPosts.Select(p => p.Authorization));
        Assert.All(service.LeadPosts, p => Assert.Contains("\"name\":\"Ada\"", p.Body, StringComparison.Ordinal));
        Assert.All(service.LeadPosts, p => Assert.Equal("key-1", p.IdempotencyKey));
    }

    [Fact]
    public async Task Without_credentials_a_401_is_the_answer()
    {
        var service = new ScriptedService();
        using var client = CrmClient.Create(BaseUrl, service);

        var problem = await Assert.ThrowsAsync<ProblemDetails>(() => client.Api.Api.Leads.PostAsync(new CreateLeadRequest { Name = "Ada" }));

        Assert.Equal(401, problem.ResponseStatusCode);
        Assert.Equal(0, service.Logins);
    }

    [Fact]
    public async Task A_401_after_signing_in_again_is_returned_not_retried_forever()
    {
        var service = new ScriptedService { RejectEveryToken = true };
        using var client = CrmClient.Create(BaseUrl, service);
        await client.SignInAsync("agent@crm.test", "agent-password");

        var problem = await Assert.ThrowsAsync<ProblemDetails>(() => client.Api.Api.Auth.Me.GetAsync());

        Assert.Equal(401, problem.ResponseStatusCode);
        Assert.Equal(2, service.Logins);
    }

    [Fact]
    public async Task If_match_sends_the_version_as_a_strong_entity_tag()
    {
        var service = new ScriptedService();
        using var client = CrmClient.Create(BaseUrl, service);
        await client.SignInAsync("agent@crm.test", "agent-password");

        await client.Api.Api.Leads["lead-1"].PutAsync(new UpdateLeadRequest { Notes = "n" }, c => c.IfMatch(7));

        Assert.Equal("\"7\"", service.LastIfMatch);
    }

    private sealed class ScriptedService : HttpMessageHandler
    {
        private int _validFrom = 1;

        public int Logins { get; private set; }

        public bool RejectEveryToken { get; init; }

        public List<(string? Authorization, string Body, string? IdempotencyKey)> LeadPosts { get; } = [];

        public string? LastIfMatch { get; private set; }

        public void ExpireTokens() => _validFrom = Logins + 1;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path == "/api/auth/login")
            {
                Logins++;
                return Json(HttpStatusCode.OK, $$"""{"access_token":"token-{{Logins}}","token_type":"bearer","expires_in":1800}""");
            }

            var authorization = request.Headers.Authorization?.ToString();
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            if (path == "/api/leads" && request.Method == HttpMethod.Post)
            {
                LeadPosts.Add((authorization, body, request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null));
            }

            if (RejectEveryToken || !IsValid(authorization))
            {
                return Json(HttpStatusCode.Unauthorized, """{"title":"Unauthorized","status":401}""", "application/problem+json");
            }

            LastIfMatch = request.Headers.IfMatch.ToString();
            return Json(HttpStatusCode.OK, """{"id":"lead-1","name":"Ada","version":1}""");
        }

        private bool IsValid(string? authorization) =>
            authorization is not null && authorization.StartsWith("Bearer token-", StringComparison.Ordinal) &&
            int.Parse(authorization["Bearer token-".Length..], System.Globalization.CultureInfo.InvariantCulture) >= _validFrom;

        private static HttpResponseMessage Json(HttpStatusCode status, string json, string type = "application/json") =>
            new(status) { Content = new StringContent(json, Encoding.UTF8, type) };
    }
}
