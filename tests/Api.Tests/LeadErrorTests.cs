using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace CrmChatbot.Api.Tests;

/// <summary>Every class of bad input: a clear 4xx problem naming the field, and nothing stored.</summary>
public abstract class LeadErrorTests(ApiFixture fixture)
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<int> TotalAsync(HttpClient http)
    {
        var list = await ProblemAssert.JsonAsync(await http.GetAsync("/api/leads?limit=1"), HttpStatusCode.OK);
        return list.GetProperty("total").GetInt32();
    }

    [Theory]
    [InlineData("{\"name\": \"x\",}")]
    [InlineData("{\"name\": ")]
    [InlineData("[{\"name\": \"x\"}]")]
    [InlineData("\"just a string\"")]
    [InlineData("")]
    public async Task Malformed_json_is_400(string body)
    {
        using var agent = fixture.Agent();
        var before = await TotalAsync(agent);

        await ProblemAssert.IsProblemAsync(await agent.PostAsync("/api/leads", Json(body)), HttpStatusCode.BadRequest);

        Assert.Equal(before, await TotalAsync(agent));
    }

    [Theory]
    [InlineData("{}", "name")]
    [InlineData("{\"name\": null}", "name")]
    [InlineData("{\"name\": \"   \"}", "name")]
    [InlineData("{\"name\": 42}", "name")]
    [InlineData("{\"name\": {\"$gt\": \"\"}}", "name")]
    [InlineData("{\"name\": [\"a\"]}", "name")]
    [InlineData("{\"name\": \"x\", \"status\": \"won\"}", "status")]
    [InlineData("{\"name\": \"x\", \"status\": \"New\"}", "status")]
    [InlineData("{\"name\": \"x\", \"status\": 0}", "status")]
    [InlineData("{\"name\": \"x\", \"source\": \"tv\"}", "source")]
    [InlineData("{\"name\": \"x\", \"email\": \"not-an-email\"}", "email")]
    [InlineData("{\"name\": \"x\", \"email\": {\"$ne\": null}}", "email")]
    [InlineData("{\"name\": \"x\", \"phone\": \"abc\"}", "phone")]
    [InlineData("{\"name\": \"x\", \"budget\": 5}", "budget")]
    [InlineData("{\"name\": \"x\", \"$where\": \"1\"}", "$where")]
    [InlineData("{\"name\": \"x\", \"id\": \"mine\"}", "id")]
    [InlineData("{\"name\": \"x\", \"created_at\": \"2020-01-01\"}", "created_at")]
    public async Task Invalid_fields_are_422_naming_the_field_and_nothing_is_stored(string body, string field)
    {
        using var agent = fixture.Agent();
        var before = await TotalAsync(agent);

        await ProblemAssert.NamesFieldsAsync(await agent.PostAsync("/api/leads", Json(body)), field);

        Assert.Equal(before, await TotalAsync(agent));
    }

    [Fact]
    public async Task Several_bad_fields_are_all_named()
    {
        using var agent = fixture.Agent();

        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsync("/api/leads", Json("{\"name\": 1, \"status\": \"x\", \"nope\": true}")), "name", "nope", "status");
    }

    [Fact]
    public async Task An_invalid_update_is_422_and_changes_nothing()
    {
        using var agent = fixture.Agent();
        var created = await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync("/api/leads", new { name = "Stable", email = "s@example.com" }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString();

        await ProblemAssert.NamesFieldsAsync(await agent.PutAsync($"/api/leads/{id}", Json("{\"name\": \"\", \"email\": \"bad\"}")), "email", "name");
        await ProblemAssert.NamesFieldsAsync(await agent.PutAsync($"/api/leads/{id}", Json("{\"status\": null}")), "status");
        await ProblemAssert.IsProblemAsync(await agent.PutAsync($"/api/leads/{id}", Json("{oops")), HttpStatusCode.BadRequest);

        var read = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads/{id}"), HttpStatusCode.OK);
        Assert.Equal(created.ToString(), read.ToString());
    }

    [Fact]
    public async Task A_too_large_body_is_413()
    {
        using var agent = fixture.Agent();
        var before = await TotalAsync(agent);
        var huge = "{\"name\": \"big\", \"notes\": \"" + new string('x', 1_100_000) + "\"}";

        await ProblemAssert.IsProblemAsync(await agent.PostAsync("/api/leads", Json(huge)), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(before, await TotalAsync(agent));
    }

    [Fact]
    public async Task Overlong_notes_within_the_body_limit_are_422()
    {
        using var agent = fixture.Agent();

        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsJsonAsync("/api/leads", new { name = "x", notes = new string('n', 10_001) }), "notes");
    }

    [Fact]
    public async Task A_non_json_body_is_415()
    {
        using var agent = fixture.Agent();

        var response = await agent.PostAsync("/api/leads", new StringContent("name=x", Encoding.UTF8, "text/plain"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("status=won", "status")]
    [InlineData("source=tv", "source")]
    [InlineData("sort=budget", "sort")]
    [InlineData("sort=-", "sort")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("offset=-5", "offset")]
    [InlineData("offset=1e3", "offset")]
    public async Task Bad_list_parameters_are_422(string query, string field)
    {
        using var agent = fixture.Agent();

        await ProblemAssert.NamesFieldsAsync(await agent.GetAsync($"/api/leads?{query}"), field);
    }

    [Fact]
    public async Task Unknown_ids_are_404_problems()
    {
        using var agent = fixture.Agent();

        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/leads/does-not-exist"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await agent.PatchAsJsonAsync("/api/leads/does-not-exist", new { name = "x" }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await agent.DeleteAsync("/api/leads/does-not-exist"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Ids_we_could_never_have_issued_are_404_not_500()
    {
        using var agent = fixture.Agent();
        var huge = new string('x', 5000);

        await ProblemAssert.IsProblemAsync(await agent.GetAsync($"/api/leads/{huge}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await agent.PutAsJsonAsync($"/api/leads/{huge}", new { name = "x" }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await agent.DeleteAsync($"/api/leads/{huge}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/leads/a%20b%2Fc"), HttpStatusCode.NotFound);
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/leads", new { name = "x", owner_id = huge }), "owner_id");
    }

    [Fact]
    public async Task Unknown_routes_and_methods_are_problems_too()
    {
        using var agent = fixture.Agent();

        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/nothing-here"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await agent.PostAsync("/api/leads/some-id", Json("{}")), HttpStatusCode.MethodNotAllowed);
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class LeadErrorTestsOnSqlite(SqliteApiFixture fixture) : LeadErrorTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class LeadErrorTestsOnMongo(MongoApiFixture fixture) : LeadErrorTests(fixture);
