using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;

namespace CrmChatbot.Api.Tests.Security;

/// <summary>The callers of the access table, in its column order.</summary>
public enum AccessRole
{
    Admin,
    Agent,
    Client,
    Visitor,
    Anonymous,
}

/// <summary>
/// One cell of the table. <see cref="Own"/> is what the role gets on its own record (null: the cell does
/// not distinguish); <see cref="Others"/> what it gets on someone else's (or on the route, when it has no
/// record). Each is <c>allow</c>, <c>refused</c> (hub methods) or a status code.
/// </summary>
public sealed record AccessCell(string Text, string? Own, string Others)
{
    private static readonly string[] Outcomes = ["allow", "refused", "401", "403", "404"];

    public static AccessCell Parse(string text)
    {
        var parts = text.Split(", others ", 2, StringSplitOptions.TrimEntries);
        var first = parts[0];
        if (first != "own" && !Outcomes.Contains(first, StringComparer.Ordinal))
        {
            throw new FormatException($"unknown outcome '{text}' (allow, own, own, others 403, 401, 403, 404, 403, others 404, refused)");
        }

        if (parts.Length == 1)
        {
            return first == "own" ? new AccessCell(text, "allow", "404") : new AccessCell(text, null, first);
        }

        var others = parts[1];
        if (first is "allow" or "refused" || !Outcomes.Contains(others, StringComparer.Ordinal) || others == "allow")
        {
            throw new FormatException($"unknown outcome '{text}'");
        }

        return new AccessCell(text, first == "own" ? "allow" : first, others);
    }
}

/// <summary>A row: an HTTP operation (<c>GET /api/leads/{id}</c>) or a hub method (<c>HUB /hubs/chat JoinSession</c>).</summary>
public sealed record AccessRule(string Method, string Route, string? HubMethod, IReadOnlyDictionary<AccessRole, AccessCell> Cells)
{
    public const string Hub = "HUB";

    public string Key => HubMethod is null ? $"{Method} {Route}" : $"{Hub} {Route} {HubMethod}";

    /// <summary><c>/dashboard/**</c>: every endpoint under <c>/dashboard</c>.</summary>
    public bool IsPrefix => Route.EndsWith("/**", StringComparison.Ordinal);

    public bool Covers(MappedOperation operation)
    {
        if (operation.HubMethod is not null || HubMethod is not null)
        {
            return operation.HubMethod == HubMethod && operation.Route == Route;
        }

        if (operation.Method is not null && operation.Method != Method)
        {
            return false;
        }

        if (!IsPrefix)
        {
            return operation.Route == Route;
        }

        var prefix = Route[..^3];
        return operation.Route == prefix || operation.Route.StartsWith(prefix + "/", StringComparison.Ordinal);
    }
}

/// <summary>What the service maps: an endpoint's method (null when the endpoint takes any) and route, or a hub method.</summary>
public sealed record MappedOperation(string? Method, string Route, string? HubMethod = null, Type? HubType = null)
{
    public override string ToString() => HubMethod is null ? $"{Method ?? "ANY"} {Route}" : $"{AccessRule.Hub} {Route} {HubMethod}";
}

/// <summary>The per-operation access table of README.md ("Access rules by operation"), and its match against the service.</summary>
public static class AccessTable
{
    public const string Heading = "#### Access rules by operation";

    private static readonly AccessRole[] Columns = Enum.GetValues<AccessRole>();

    public static IReadOnlyList<AccessRule> ReadReadme() =>
        Parse(File.ReadAllText(Path.Combine(OpenApi.Contract.RepoRoot, "README.md")));

    public static IReadOnlyList<AccessRule> Parse(string markdown)
    {
        var lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l.Trim() == Heading);
        if (start < 0)
        {
            throw new FormatException($"README.md has no '{Heading}' section");
        }

        var header = lines.FindIndex(start, l => l.StartsWith("| Operation", StringComparison.Ordinal));
        if (header < 0)
        {
            throw new FormatException("the access table (a header row '| Operation | admin | ...') is missing");
        }

        var names = Cells(lines[header]).Skip(1).ToArray();
        var expected = Columns.Select(r => r.ToString().ToLowerInvariant()).ToArray();
        if (!names.SequenceEqual(expected, StringComparer.Ordinal))
        {
            throw new FormatException($"access table columns must be: Operation | {string.Join(" | ", expected)}");
        }

        var rules = new List<AccessRule>();
        for (var i = header + 2; i < lines.Count && lines[i].StartsWith('|'); i++)
        {
            var cells = Cells(lines[i]);
            if (cells.Length != Columns.Length + 1)
            {
                throw new FormatException($"README line {i + 1}: {cells.Length} cells, expected {Columns.Length + 1}: {lines[i]}");
            }

            var operation = cells[0].Trim('`').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var isHub = operation[0] == AccessRule.Hub;
            if (operation.Length != (isHub ? 3 : 2) || !operation[1].StartsWith('/'))
            {
                throw new FormatException($"README line {i + 1}: an operation is 'METHOD /route' or 'HUB /hub-path Method', not '{cells[0]}'");
            }

            var outcomes = new Dictionary<AccessRole, AccessCell>();
            for (var c = 0; c < Columns.Length; c++)
            {
                try
                {
                    outcomes[Columns[c]] = AccessCell.Parse(cells[c + 1].Trim('`'));
                }
                catch (FormatException e)
                {
                    throw new FormatException($"README line {i + 1}, column {expected[c]}: {e.Message}", e);
                }
            }

            rules.Add(new AccessRule(operation[0], operation[1], isHub ? operation[2] : null, outcomes));
        }

        return rules;
    }

    private static string[] Cells(string line) =>
        line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();

    /// <summary>Every endpoint the app maps (one operation per HTTP method) and every public method of its hubs.</summary>
    public static IReadOnlyList<(MappedOperation Operation, RouteEndpoint? Endpoint)> Mapped(IEnumerable<EndpointDataSource> sources)
    {
        var result = new List<(MappedOperation, RouteEndpoint?)>();
        var hubs = new List<(Type Hub, string Route)>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().Distinct())
        {
            var route = Normalize(endpoint.RoutePattern.RawText ?? "");
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            if (methods is { Count: > 0 })
            {
                result.AddRange(methods.Select(m => (new MappedOperation(m, route), (RouteEndpoint?)endpoint)));
            }
            else
            {
                result.Add((new MappedOperation(null, route), endpoint));
            }

            if (endpoint.Metadata.GetMetadata<HubMetadata>() is { } hub && !route.EndsWith("/negotiate", StringComparison.Ordinal))
            {
                hubs.Add((hub.HubType, route));
            }
        }

        foreach (var (hubType, route) in hubs.Distinct())
        {
            result.AddRange(HubMethods(hubType).Select(m => (new MappedOperation(null, route, m, hubType), (RouteEndpoint?)null)));
        }

        return result;
    }

    /// <summary>The methods a client can invoke: public instance methods of the hub class, not the Hub base's lifecycle ones.</summary>
    public static IEnumerable<string> HubMethods(Type hubType) =>
        hubType.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType is { } declared &&
                        typeof(Hub).IsAssignableFrom(declared) && declared != typeof(Hub))
            .Select(m => m.GetCustomAttribute<HubMethodNameAttribute>()?.Name ?? m.Name)
            .Distinct()
            .Order(StringComparer.Ordinal);

    /// <summary><c>/api/leads/</c> (a group's root) is written <c>/api/leads</c> in the table.</summary>
    public static string Normalize(string route) => "/" + route.Trim('/');

    /// <summary>What is wrong between the table and the service: unruled operations, stale and duplicate rows.</summary>
    public static List<string> Compare(IReadOnlyList<AccessRule> rules, IEnumerable<MappedOperation> mapped)
    {
        var problems = new List<string>();
        problems.AddRange(rules.GroupBy(r => r.Key).Where(g => g.Count() > 1).Select(g => $"duplicate row: {g.Key}"));
        var used = new HashSet<AccessRule>();
        foreach (var operation in mapped.Distinct())
        {
            var rule = RuleFor(rules, operation);
            if (rule is null)
            {
                problems.Add($"no row in README's access table for {operation}");
            }
            else
            {
                used.UnionWith(rules.Where(r => r.Covers(operation)));
            }
        }

        problems.AddRange(rules.Where(r => !used.Contains(r)).Select(r => $"stale row (the service maps nothing like it): {r.Key}"));
        return problems;
    }

    /// <summary>The exact row wins over a <c>/**</c> one.</summary>
    public static AccessRule? RuleFor(IReadOnlyList<AccessRule> rules, MappedOperation operation) =>
        rules.FirstOrDefault(r => !r.IsPrefix && r.Covers(operation)) ?? rules.FirstOrDefault(r => r.IsPrefix && r.Covers(operation));
}
