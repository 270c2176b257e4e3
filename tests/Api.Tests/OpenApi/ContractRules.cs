using System.Text.Json;
using System.Text.RegularExpressions;

namespace CrmChatbot.Api.Tests.OpenApi;

/// <summary>
/// What every operation of the contract must declare. The list names each operation and what it
/// lacks, so after a merge it says exactly which new endpoints need metadata (see README, "Contract rules").
/// </summary>
public static partial class ContractRules
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    [GeneratedRegex("^[A-Z][A-Za-z]*_[A-Z][A-Za-z]*$")]
    private static partial Regex OperationIdPattern();

    public static IReadOnlyList<string> Violations(JsonElement document)
    {
        var problems = new List<string>();
        var tagDescriptions = document.TryGetProperty("tags", out var tags)
            ? tags.EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t.TryGetProperty("description", out var d) ? d.GetString() : null)
            : [];
        var operationIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
            {
                var where = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                problems.AddRange(Check(where, operation.Value, tagDescriptions, operationIds));
            }
        }

        return problems;
    }

    private static IEnumerable<string> Check(
        string where, JsonElement operation, Dictionary<string, string?> tagDescriptions, Dictionary<string, string> operationIds)
    {
        var id = operation.TryGetProperty("operationId", out var idValue) ? idValue.GetString() : null;
        if (string.IsNullOrEmpty(id))
        {
            yield return $"{where}: no operationId (add .WithName(\"Tag_Action\"))";
        }
        else if (!OperationIdPattern().IsMatch(id))
        {
            yield return $"{where}: operationId '{id}' is not Tag_Action";
        }
        else if (!operationIds.TryAdd(id, where))
        {
            yield return $"{where}: operationId '{id}' is also used by {operationIds[id]}";
        }

        if (!operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
        {
            yield return $"{where}: no summary (add .WithSummary(...))";
        }

        if (!operation.TryGetProperty("tags", out var tags) || tags.GetArrayLength() == 0)
        {
            yield return $"{where}: no tag (add .WithTags(...) on its group)";
        }
        else
        {
            foreach (var tag in tags.EnumerateArray().Select(t => t.GetString()!))
            {
                if (!tagDescriptions.TryGetValue(tag, out var description) || string.IsNullOrWhiteSpace(description))
                {
                    yield return $"{where}: tag '{tag}' has no description (add it to src/Api/OpenApi/ApiTags.cs)";
                }
            }
        }

        if (!operation.TryGetProperty("security", out var security) || security.ValueKind != JsonValueKind.Array)
        {
            yield return $"{where}: no security declared";
        }

        if (operation.TryGetProperty("requestBody", out var body) &&
            body.GetProperty("content").TryGetProperty("application/json", out var json) && !json.TryGetProperty("example", out _))
        {
            yield return $"{where}: the JSON request body has no example (add one to src/Api/OpenApi/RequestExamples.cs)";
        }

        foreach (var response in operation.GetProperty("responses").EnumerateObject())
        {
            if (response.Name.Length == 3 && (response.Name[0] is '4' or '5') &&
                !(response.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out _)))
            {
                yield return $"{where}: response {response.Name} is not application/problem+json (use .ProducesProblem)";
            }
        }

        if (!operation.GetProperty("responses").EnumerateObject().Any(r => r.Name[0] == '2'))
        {
            yield return $"{where}: no success response declared";
        }
    }
}
