using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmChatbot.Idempotency;
using CrmChatbot.Storage;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Schemas;
using Microsoft.Extensions.DependencyInjection;

namespace CrmChatbot.Api.Tests;

public abstract class IdempotencyTests(ApiFixture fixture)
{
    private static HttpRequestMessage Post(string key, object body) => new(HttpMethod.Post, "/api/leads")
    {
        Content = JsonContent.Create(body),
        Headers = { { "Idempotency-Key", key } },
    };

    private static async Task<int> CountAsync(HttpClient http, string tag) =>
        JsonDocument.Parse(await http.GetStringAsync($"/api/leads?q={tag}")).RootElement.GetProperty("total").GetInt32();

    [Fact]
    public async Task A_repeated_post_returns_the_first_result_and_creates_nothing_more()
    {
        using var agent = fixture.Agent();
        var tag = Guid.NewGuid().ToString("N");
        var key = Guid.NewGuid().ToString();

        var first = await agent.SendAsync(Post(key, new { name = "Once", company = tag }));
        var second = await agent.SendAsync(Post(key, new { name = "Once", company = tag }));

        var a = await ProblemAssert.JsonAsync(first, HttpStatusCode.Created);
        var b = await ProblemAssert.JsonAsync(second, HttpStatusCode.Created);
        Assert.Equal(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, await CountAsync(agent, tag));
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_create_one_entity()
    {
        using var agent = fixture.Agent();
        var tag = Guid.NewGuid().ToString("N");
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => agent.SendAsync(Post(key, new { name = "Racy", company = tag }))));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Equal(1, await CountAsync(agent, tag));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422()
    {
        using var agent = fixture.Agent();
        var key = Guid.NewGuid().ToString();
        await agent.SendAsync(Post(key, new { name = "First body" }));

        var response = await agent.SendAsync(Post(key, new { name = "Second body" }));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_failed_first_attempt_does_not_burn_the_key()
    {
        using var agent = fixture.Agent();
        var key = Guid.NewGuid().ToString();

        var failed = await agent.SendAsync(Post(key, new { name = "" }));
        var fixedUp = await agent.SendAsync(Post(key, new { name = "Fixed" }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, failed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, fixedUp.StatusCode);
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_caller()
    {
        using var agent = fixture.Agent();
        using var admin = fixture.Admin();
        var tag = Guid.NewGuid().ToString("N");
        var key = Guid.NewGuid().ToString();

        await agent.SendAsync(Post(key, new { name = "Mine", company = tag }));
        var other = await admin.SendAsync(Post(key, new { name = "Mine", company = tag }));

        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.False(other.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, await CountAsync(agent, tag));
    }

    [Fact]
    public async Task The_same_key_with_another_query_string_is_422()
    {
        using var agent = fixture.Agent();
        var key = Guid.NewGuid().ToString();
        var body = new { name = "Query", email = $"{Guid.NewGuid():N}@example.com" };
        Assert.Equal(HttpStatusCode.Created, (await agent.SendAsync(Post(key, body))).StatusCode);

        // Once this replayed the first result: the query string was not part of what "the same request" means.
        var withQuery = Post(key, body);
        withQuery.RequestUri = new Uri("/api/leads?allow_duplicate=true", UriKind.Relative);
        var response = await agent.SendAsync(withQuery);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_key_belongs_to_the_caller_not_the_route_so_another_path_is_422()
    {
        using var agent = fixture.Agent();
        var key = Guid.NewGuid().ToString();
        var lead = await ProblemAssert.JsonAsync(await agent.SendAsync(Post(key, new { name = "Route" })), HttpStatusCode.Created);

        var convert = new HttpRequestMessage(HttpMethod.Post, $"/api/leads/{lead.GetProperty("id").GetString()}/convert")
        {
            Content = JsonContent.Create(new { }),
            Headers = { { "Idempotency-Key", key } },
        };

        await ProblemAssert.IsProblemAsync(await agent.SendAsync(convert), HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Login_and_register_ignore_the_key_and_store_nothing()
    {
        using var anonymous = fixture.Anonymous();
        var key = Guid.NewGuid().ToString();
        var email = $"idem-{Guid.NewGuid():N}@crm.test";
        var before = await RecordCountAsync();

        HttpRequestMessage Auth(string path, object body) => new(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(body),
            Headers = { { "Idempotency-Key", key } },
        };

        var registered = await anonymous.SendAsync(Auth("/api/auth/register", new { email, password = CrmApiFactory.UserPassword, name = "Idem" }));
        var again = await anonymous.SendAsync(Auth("/api/auth/register", new { email, password = CrmApiFactory.UserPassword, name = "Idem" }));
        var first = await anonymous.SendAsync(Auth("/api/auth/login", new { email, password = CrmApiFactory.UserPassword }));
        var second = await anonymous.SendAsync(Auth("/api/auth/login", new { email, password = CrmApiFactory.UserPassword }));

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode); // run again, not replayed: the email exists now
        var a = await ProblemAssert.JsonAsync(first, HttpStatusCode.OK);
        var b = await ProblemAssert.JsonAsync(second, HttpStatusCode.OK);
        Assert.False(second.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(a.GetProperty("access_token").GetString(), b.GetProperty("access_token").GetString());
        Assert.Equal(before, await RecordCountAsync()); // no access token at rest
    }

    [Fact]
    public async Task A_response_that_sets_a_cookie_is_never_stored()
    {
        using var admin = fixture.Admin();
        var key = Guid.NewGuid().ToString();
        HttpRequestMessage Open() => new(HttpMethod.Post, "/api/admin/dashboard-session") { Headers = { { "Idempotency-Key", key } } };
        var before = await RecordCountAsync();

        var first = await admin.SendAsync(Open());
        var second = await admin.SendAsync(Open());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False(second.Headers.Contains("Idempotent-Replayed")); // a replay would answer without the cookie
        Assert.True(second.Headers.Contains("Set-Cookie"));
        Assert.Equal(before, await RecordCountAsync()); // the token in the cookie is not kept at rest
    }

    [Fact]
    public async Task Anonymous_keys_are_scoped_per_client_address()
    {
        using var visitor = fixture.Anonymous();
        var message = await VisitorMessageAsync(visitor);
        HttpRequestMessage Message(string peer) => message([(CrmApiFactory.PeerHeader, peer)]);

        var first = await visitor.SendAsync(Message("192.0.2.1"));
        var retry = await visitor.SendAsync(Message("192.0.2.1"));
        var elsewhere = await visitor.SendAsync(Message("192.0.2.2"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.False(elsewhere.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Behind_a_known_proxy_the_forwarded_client_address_scopes_anonymous_keys()
    {
        using var visitor = fixture.Anonymous();
        var message = await VisitorMessageAsync(visitor);
        HttpRequestMessage Message(string peer, string client) => message([(CrmApiFactory.PeerHeader, peer), ("X-Forwarded-For", client)]);

        // Through the trusted proxy (10.99.0.0/16) the client is the forwarded address, whichever proxy node relays it.
        var first = await visitor.SendAsync(Message("10.99.0.5", "198.51.100.1"));
        var viaOtherNode = await visitor.SendAsync(Message("10.99.0.6", "198.51.100.1"));
        var otherClient = await visitor.SendAsync(Message("10.99.0.5", "198.51.100.2"));
        // From an untrusted peer the header is ignored: claiming to be 198.51.100.1 does not reach its keys.
        var spoofed = await visitor.SendAsync(Message("203.0.113.9", "198.51.100.1"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(viaOtherNode.Headers.Contains("Idempotent-Replayed"));
        Assert.False(otherClient.Headers.Contains("Idempotent-Replayed"));
        Assert.False(spoofed.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task An_expired_record_is_deleted_by_the_purge_and_its_key_can_be_used_again()
    {
        using var agent = fixture.Agent();
        var tag = Guid.NewGuid().ToString("N");
        var key = Guid.NewGuid().ToString();
        var first = await ProblemAssert.JsonAsync(await agent.SendAsync(Post(key, new { name = "Before", company = tag })), HttpStatusCode.Created);
        var purge = fixture.Factory.Services.GetRequiredService<IdempotencyPurge>();
        Assert.Equal(0, await purge.PurgeOnceAsync()); // nothing is expired yet
        Assert.Equal(0, await ExpiredCountAsync());

        fixture.Factory.IdempotencyClock.Advance(TimeSpan.FromHours(25));
        try
        {
            var expired = await ExpiredCountAsync();
            Assert.True(expired >= 1); // at least this test's record

            Assert.Equal(expired, await purge.PurgeOnceAsync());
            Assert.Equal(0, await ExpiredCountAsync());
            var remaining = await RecordCountAsync();

            var reused = await agent.SendAsync(Post(key, new { name = "After", company = tag }));

            var second = await ProblemAssert.JsonAsync(reused, HttpStatusCode.Created);
            Assert.False(reused.Headers.Contains("Idempotent-Replayed"));
            Assert.NotEqual(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
            Assert.Equal(remaining + 1, await RecordCountAsync()); // the key is remembered again, from now on
            Assert.True((await agent.SendAsync(Post(key, new { name = "After", company = tag }))).Headers.Contains("Idempotent-Replayed"));
        }
        finally
        {
            fixture.Factory.IdempotencyClock.Reset();
        }
    }

    [Fact]
    public async Task After_24_hours_a_key_starts_afresh_even_before_the_purge_ran()
    {
        using var agent = fixture.Agent();
        var tag = Guid.NewGuid().ToString("N");
        var key = Guid.NewGuid().ToString();
        await agent.SendAsync(Post(key, new { name = "Day one", company = tag }));

        fixture.Factory.IdempotencyClock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        try
        {
            // A different body would be 422 within the 24 hours; now the old record is forgotten.
            var response = await agent.SendAsync(Post(key, new { name = "Day two", company = tag }));

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.False(response.Headers.Contains("Idempotent-Replayed"));
            Assert.Equal(2, await CountAsync(agent, tag));
        }
        finally
        {
            fixture.Factory.IdempotencyClock.Reset();
        }
    }

    /// <summary>Starts a visitor chat session; returns a maker of one message request, always with the same Idempotency-Key.</summary>
    private static async Task<Func<(string Name, string Value)[], HttpRequestMessage>> VisitorMessageAsync(HttpClient visitor)
    {
        var session = await ProblemAssert.JsonAsync(await visitor.PostAsJsonAsync("/api/chat/sessions", new { }), HttpStatusCode.Created);
        var id = session.GetProperty("id").GetString();
        var token = session.GetProperty("session_token").GetString()!;
        var key = Guid.NewGuid().ToString();
        return headers =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/chat/sessions/{id}/messages") { Content = JsonContent.Create(new { text = "hello" }) };
            request.Headers.Add("Idempotency-Key", key);
            request.Headers.Add("X-Chat-Token", token);
            foreach (var (name, value) in headers)
            {
                request.Headers.Add(name, value);
            }

            return request;
        };
    }

    private Task<long> ExpiredCountAsync() =>
        fixture.Factory.Services.GetRequiredService<IDocumentQueries>().CountAsync(
            IdempotencyStorage.Records,
            [new FieldFilter(IdempotencySchema.ExpiresAt, FilterOp.Lte, fixture.Factory.IdempotencyClock.GetUtcNow().UtcDateTime)]);

    private Task<long> RecordCountAsync() =>
        fixture.Factory.Services.GetRequiredService<IDocumentQueries>().CountAsync(IdempotencyStorage.Records, []);

    [Fact]
    public async Task A_malformed_key_is_400()
    {
        using var agent = fixture.Agent();

        await ProblemAssert.IsProblemAsync(await agent.SendAsync(Post(new string('k', 300), new { name = "x" })), HttpStatusCode.BadRequest);
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class IdempotencyTestsOnSqlite(SqliteApiFixture fixture) : IdempotencyTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class IdempotencyTestsOnMongo(MongoApiFixture fixture) : IdempotencyTests(fixture);
