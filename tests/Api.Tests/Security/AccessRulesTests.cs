using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CrmChatbot.Api.Tests.Security;

/// <summary>
/// Issue #12: README's "Access rules by operation" table is the one source of the access rules. Every
/// endpoint the service maps and every hub method needs a row (and every row an endpoint), and every row
/// is called as admin, agent, client, visitor and anonymous: an allowed call must not be 401/403 (nor 404
/// on a record it may see), a refused one must be exactly the status the table names.
/// </summary>
public sealed class AccessRulesTests(AccessWorld world, ITestOutputHelper output) : IClassFixture<AccessWorld>
{
    private const string Sessions = "/api/chat/sessions";

    private static readonly Lazy<IReadOnlyList<AccessRule>> Table = new(AccessTable.ReadReadme);

    private IReadOnlyList<(MappedOperation Operation, RouteEndpoint? Endpoint)> Mapped() =>
        AccessTable.Mapped(world.Factory.Services.GetServices<EndpointDataSource>());

    [Fact]
    public void Every_endpoint_and_hub_method_has_a_row_and_every_row_an_endpoint()
    {
        var mapped = Mapped().Select(m => m.Operation).ToList();
        Assert.Contains(mapped, m => m.HubMethod == "JoinSession"); // the hub was found
        Assert.True(mapped.Count >= 80, $"only {mapped.Count} operations mapped");

        var problems = AccessTable.Compare(Table.Value, mapped);

        Assert.True(problems.Count == 0, "README's access table and the service disagree:\n" + string.Join("\n", problems));
    }

    [Fact]
    public async Task Every_role_gets_what_the_table_says_from_every_endpoint()
    {
        var clock = Stopwatch.StartNew();
        var mapped = Mapped().Select(m => m.Operation).Where(m => m.HubMethod is null).ToList();
        var failures = new List<string>();
        var calls = 0;
        using var http = world.Factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            // No cookie jar (the dashboard session's cookie would let later anonymous calls in), and no
            // redirects (a followed redirect drops the Authorization header).
            HandleCookies = false,
            AllowAutoRedirect = false,
        });
        foreach (var rule in Table.Value.Where(r => r.HubMethod is null))
        {
            // A /** row stands for each endpoint under it that has no row of its own.
            var routes = rule.IsPrefix
                ? mapped.Where(m => AccessTable.RuleFor(Table.Value, m) == rule).Select(m => m.Route).Distinct().ToList()
                : [rule.Route];
            foreach (var route in routes)
            {
                foreach (var (role, cell) in rule.Cells)
                {
                    foreach (var (own, expected) in Targets(cell))
                    {
                        calls++;
                        if (await CheckAsync(http, rule, route, role, own, expected) is { } failure)
                        {
                            failures.Add(failure);
                        }
                    }
                }
            }
        }

        output.WriteLine($"{calls} calls in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} calls disagree with README's access table:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Every_role_gets_what_the_table_says_from_every_hub_method()
    {
        var hubMethods = Mapped().Select(m => m.Operation).Where(m => m.HubMethod is not null).ToList();
        var failures = new List<string>();
        var connections = new Dictionary<(string, AccessRole), HubConnection>();
        try
        {
            foreach (var operation in hubMethods)
            {
                var rule = AccessTable.RuleFor(Table.Value, operation);
                if (rule is null)
                {
                    continue; // the coverage test names it
                }

                var method = operation.HubType!.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                    .First(m => (m.GetCustomAttribute<HubMethodNameAttribute>()?.Name ?? m.Name) == operation.HubMethod);
                foreach (var (role, cell) in rule.Cells)
                {
                    if (!connections.TryGetValue((operation.Route, role), out var connection))
                    {
                        connection = await ConnectAsync(operation.Route, role);
                        connections[(operation.Route, role)] = connection;
                    }

                    foreach (var (own, cellExpected) in Targets(cell))
                    {
                        var what = $"{rule.Key} as {role}{(method.GetParameters().Length == 0 ? "" : own ? " (own record)" : " (someone else's record)")}";
                        // A hub call is allowed or refused: 'own' means someone else's session is refused.
                        var expected = cellExpected is "allow" or "refused" ? cellExpected : cell.Text == "own" ? "refused" : null;
                        if (expected is null)
                        {
                            failures.Add($"{what}: the row says '{cell.Text}'; a hub method is allow, own or refused");
                            continue;
                        }

                        try
                        {
                            var args = await HubArgumentsAsync(method, role, own);
                            await connection.InvokeCoreAsync(operation.HubMethod!, typeof(object), args);
                            if (expected != "allow")
                            {
                                failures.Add($"{what}: expected {expected}, the call succeeded");
                            }
                        }
                        catch (HubException e)
                        {
                            if (expected != "refused")
                            {
                                failures.Add($"{what}: expected {expected}, got HubException: {e.Message}");
                            }
                        }
                        catch (InvalidOperationException e)
                        {
                            failures.Add($"{what}: {e.Message}");
                        }
                    }
                }
            }
        }
        finally
        {
            foreach (var connection in connections.Values)
            {
                await connection.DisposeAsync();
            }
        }

        Assert.True(failures.Count == 0, "hub calls disagree with README's access table:\n" + string.Join("\n", failures));
    }

    /// <summary>The check can fail: an endpoint without a row, a row without an endpoint and a duplicate row are named.</summary>
    [Fact]
    public void The_comparison_names_unruled_endpoints_stale_and_duplicate_rows()
    {
        var rules = AccessTable.Parse("""
            #### Access rules by operation

            | Operation | admin | agent | client | visitor | anonymous |
            |---|---|---|---|---|---|
            | `GET /api/things` | allow | allow | 403 | 401 | 401 |
            | `GET /api/things` | allow | allow | 403 | 401 | 401 |
            | `GET /api/gone` | allow | allow | own | 401 | 401 |
            | `GET /dashboard/**` | allow | 403 | 403 | 401 | 401 |
            | `HUB /hubs/chat JoinAgents` | allow | allow | refused | refused | refused |
            """);
        MappedOperation[] mapped =
        [
            new("GET", "/api/things"), new("POST", "/api/things"), new("GET", "/dashboard/Trace"),
            new(null, "/hubs/chat", "JoinAgents"), new(null, "/hubs/chat", "JoinSession"),
        ];

        var problems = AccessTable.Compare(rules, mapped);

        Assert.Equal(
            [
                "duplicate row: GET /api/things",
                "no row in README's access table for POST /api/things",
                "no row in README's access table for HUB /hubs/chat JoinSession",
                "stale row (the service maps nothing like it): GET /api/gone",
            ],
            problems);
    }

    [Theory]
    [InlineData("allowed")]
    [InlineData("allow, others 404")]
    [InlineData("own, others allow")]
    [InlineData("200")]
    public void An_unknown_outcome_in_the_table_is_an_error(string cell) =>
        Assert.Throws<FormatException>(() => AccessCell.Parse(cell));

    /// <summary>The calls a cell asks for: on the caller's own record (when the cell names one) and on someone else's.</summary>
    private static IEnumerable<(bool Own, string Expected)> Targets(AccessCell cell) =>
        cell.Own is { } own ? [(true, own), (false, cell.Others)] : [(false, cell.Others)];

    private async Task<string?> CheckAsync(HttpClient http, AccessRule rule, string route, AccessRole role, bool own, string expected)
    {
        var what = $"{rule.Method} {route} as {role}";
        if (expected == "refused")
        {
            return $"{what}: 'refused' is for hub methods; give an HTTP row a status";
        }

        var hasRecord = AccessRequests.HasRecord(route);
        if (own && !hasRecord)
        {
            return $"{what}: the row says '{rule.Cells[role].Text}' but the route has no record to own";
        }

        HttpResponseMessage response;
        HttpRequestMessage? request = null;
        try
        {
            var record = hasRecord
                ? await world.RecordAsync(AccessRequests.Collection(route), own ? role : null, fresh: rule.Method != "GET")
                : null;
            request = await AccessRequests.BuildAsync(world, rule, route, role, record);
            what = $"{rule.Method} {request.RequestUri} as {role}{(hasRecord ? own ? " (own record)" : " (someone else's record)" : "")}";
            // Headers only: the dashboard's live log (/dashboard/Trace) streams for as long as the caller reads.
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        }
        catch (InvalidOperationException e)
        {
            return $"{what}: {e.Message}";
        }
        finally
        {
            request?.Dispose();
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            output.WriteLine($"{what}: {status} (expected {expected})");
            var allowedAndGot = expected == "allow" && status is not (401 or 403) && !(hasRecord && status == 404);
            if (status < 500 && (allowedAndGot || status.ToString(System.Globalization.CultureInfo.InvariantCulture) == expected))
            {
                return null;
            }

            var body = status == 200 ? "" : await response.Content.ReadAsStringAsync();
            return $"{what}: expected {expected}, got {status} {(body.Length > 200 ? body[..200] : body)}";
        }
    }

    private async Task<HubConnection> ConnectAsync(string hubPath, AccessRole role)
    {
        var query = role switch
        {
            AccessRole.Visitor => $"session_id={world.VisitorSession.Id}&chat_token={Uri.EscapeDataString(world.VisitorSession.ChatToken!)}",
            AccessRole.Anonymous => "",
            _ => "access_token=" + Uri.EscapeDataString(world.TokenOf(role)!),
        };
        var server = world.Factory.Server;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, hubPath + "?" + query), options =>
            {
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
            })
            .Build();
        await connection.StartAsync();
        return connection;
    }

    /// <summary>Arguments by parameter: a chat session id (the caller's own, or someone else's). Add a case for a new kind of parameter.</summary>
    private async Task<object?[]> HubArgumentsAsync(MethodInfo method, AccessRole role, bool own)
    {
        var args = new List<object?>();
        foreach (var parameter in method.GetParameters())
        {
            if (parameter.ParameterType == typeof(string) && parameter.Name!.Contains("session", StringComparison.OrdinalIgnoreCase))
            {
                var record = !own ? await world.RecordAsync(Sessions, null, fresh: false)
                    : role == AccessRole.Visitor ? world.VisitorSession
                    : await world.RecordAsync(Sessions, role, fresh: false);
                args.Add(record.Id);
            }
            else
            {
                throw new InvalidOperationException($"no argument for {method.Name}({parameter.Name}): add a case to {nameof(HubArgumentsAsync)}");
            }
        }

        if (own && args.Count == 0)
        {
            throw new InvalidOperationException($"{method.Name} takes no record, so the table cannot say 'own' for it");
        }

        return [.. args];
    }
}
