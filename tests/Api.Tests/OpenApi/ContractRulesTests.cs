using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrmChatbot.Api.Tests.OpenApi;

[Collection(SqliteApiCollection.Name)]
public sealed class ContractRulesTests(SqliteApiFixture fixture)
{
    [Fact]
    public async Task Every_operation_has_an_operation_id_summary_described_tag_security_examples_and_problem_responses()
    {
        using var document = JsonDocument.Parse(await Contract.ServedAsync(fixture));

        var violations = ContractRules.Violations(document.RootElement);

        Assert.True(violations.Count == 0, "The OpenAPI contract lacks metadata:\n" + string.Join("\n", violations));
    }

    [Fact]
    public async Task Anonymous_operations_declare_no_credentials_and_protected_ones_the_bearer_token()
    {
        using var document = JsonDocument.Parse(await Contract.ServedAsync(fixture));
        var paths = document.RootElement.GetProperty("paths");

        Assert.Equal("[{}]", Security(paths, "/api/auth/login", "post"));
        Assert.Equal("""[{"Bearer":[]},{"OAuth2Password":[]}]""", Security(paths, "/api/leads", "get"));
        // Visitors may start a chat; a signed-in caller's token makes it theirs.
        Assert.Equal("""[{},{"Bearer":[]},{"OAuth2Password":[]}]""", Security(paths, "/api/chat/sessions", "post"));
        Assert.Equal("""[{"Bearer":[]},{"OAuth2Password":[]}]""", Security(paths, "/api/chat/sessions", "get"));
        Assert.Equal(Contract.SnapshotServer, document.RootElement.GetProperty("servers")[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task The_served_server_url_has_no_trailing_slash()
    {
        using var http = fixture.Anonymous();

        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));

        var url = document.RootElement.GetProperty("servers")[0].GetProperty("url").GetString()!;
        Assert.False(url.EndsWith('/'), url);
    }

    [Theory]
    [InlineData("operationId", "no operationId")]
    [InlineData("summary", "no summary")]
    [InlineData("security", "no security declared")]
    [InlineData("tags", "no tag")]
    public async Task The_rules_name_the_operation_that_lacks_metadata(string removed, string expected)
    {
        var document = JsonNode.Parse(await Contract.ServedAsync(fixture))!;
        document["paths"]!["/api/leads"]!["get"]!.AsObject().Remove(removed);

        using var parsed = JsonDocument.Parse(document.ToJsonString());
        var violations = ContractRules.Violations(parsed.RootElement);

        Assert.Equal($"GET /api/leads: {expected}", Assert.Single(violations)[..($"GET /api/leads: {expected}".Length)]);
    }

    [Fact]
    public async Task The_rules_flag_an_undescribed_tag_a_body_without_example_and_a_plain_error()
    {
        var document = JsonNode.Parse(await Contract.ServedAsync(fixture))!;
        document["paths"]!["/api/leads"]!["post"]!["requestBody"]!["content"]!["application/json"]!.AsObject().Remove("example");
        document["paths"]!["/api/leads"]!["post"]!["responses"]!["409"]!.AsObject().Remove("content");
        document["paths"]!["/api/leads"]!["post"]!["tags"] = new JsonArray("Backups");

        using var parsed = JsonDocument.Parse(document.ToJsonString());
        var violations = ContractRules.Violations(parsed.RootElement);

        Assert.Equal(3, violations.Count);
        Assert.Contains(violations, v => v.Contains("tag 'Backups' has no description", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("request body has no example", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("response 409 is not application/problem+json", StringComparison.Ordinal));
    }

    private static string Security(JsonElement paths, string path, string method) =>
        paths.GetProperty(path).GetProperty(method).GetProperty("security").GetRawText().Replace(" ", "", StringComparison.Ordinal)
            .Replace("\n", "", StringComparison.Ordinal);
}
