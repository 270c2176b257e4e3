using System.Net;
using System.Text.Json;

namespace CrmChatbot.Api.Tests;

public static class ProblemAssert
{
    /// <summary>Asserts an RFC 7807 response with the status, and returns its JSON.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        return json;
    }

    /// <summary>Asserts a 422 validation problem naming exactly these fields.</summary>
    public static async Task<JsonElement> NamesFieldsAsync(HttpResponseMessage response, params string[] fields)
    {
        var json = await IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var named = json.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(fields.Order(StringComparer.Ordinal).ToArray(), named);
        return json;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
