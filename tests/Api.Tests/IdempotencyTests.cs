using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

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
