using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace CrmChatbot.Api.Tests.Security;

/// <summary>
/// Reads the served OpenAPI document and sends every operation seeded random mutations (wrong
/// types, huge and odd strings, invalid UTF-8, lone surrogates, control and bidi characters, time
/// zone directory names, extreme dates, bad ids, headers and content types, broken bodies) as
/// admin, agent, client and anonymous. The CSV import gets CSV files and multipart envelopes of its own
/// (<see cref="Fuzzer.CsvImportPath"/>); webhook subscriptions, their deliveries and imports are seeded so their
/// ids are real. Fails on any 5xx, printing the request, and when a refused
/// request changed a stored entity: the entity lists before and after must differ only where a
/// successful write went. Set FUZZ_SEED to replay a run; FUZZ_REQUESTS to send more.
/// </summary>
public sealed class MalformedInputTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int DefaultSeed = 20261202;
    private const int MinRequests = 2000;

    private static readonly string[] ListPaths =
        ["/api/leads", "/api/tickets", "/api/meetings", "/api/campaigns", "/api/users", "/api/chat/sessions"];

    private readonly CrmApiFactory _factory = new();
    private HttpClient _http = null!;
    private Seeds _seeds = null!;

    public async Task InitializeAsync()
    {
        _http = _factory.CreateClient();
        _seeds = await Seeds.CreateAsync(_factory, _http);
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_operation_answers_seeded_malformed_input_with_no_5xx_and_refusals_store_nothing()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var s) ? s : DefaultSeed;
        var total = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_REQUESTS"), out var n) ? Math.Max(n, MinRequests) : 2400;
        output.WriteLine($"FUZZ_SEED={seed} requests={total}");

        using var openApi = JsonDocument.Parse(await _http.GetStringAsync("/openapi/v1.json"));
        var operations = OpenApiOperations.Read(openApi.RootElement);
        Assert.True(operations.Count >= 40, $"only {operations.Count} operations found in /openapi/v1.json");

        var before = await SnapshotAsync();
        var fuzzer = new Fuzzer(new Random(seed), _seeds, openApi.RootElement);
        var failures = new List<string>();
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var statusCounts = new SortedDictionary<int, int>();
        var successfulPosts = 0;
        var perOperation = new Dictionary<string, int>(StringComparer.Ordinal);

        for (var i = 0; i < total; i++)
        {
            var operation = operations[i % operations.Count]; // every operation gets its share
            var fuzzed = fuzzer.Build(operation);
            using var request = fuzzed.ToRequest();
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException)
            {
                failures.Add($"#{i} transport failure {e.GetType().Name}: {e.Message}\n{fuzzed.Describe()}");
                continue;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                statusCounts[status] = statusCounts.GetValueOrDefault(status) + 1;
                perOperation[operation.Key] = perOperation.GetValueOrDefault(operation.Key) + 1;
                if (status >= 500)
                {
                    var body = await response.Content.ReadAsStringAsync();
                    failures.Add($"#{i} {status}\n{fuzzed.Describe()}\n  response: {Clip(body, 400)}");
                }
                else if (status is >= 200 and < 300 && fuzzed.Method != "GET")
                {
                    successfulPosts += fuzzed.Method == "POST" ? 1 : 0;
                    fuzzed.CollectStrings(touched);
                }
            }
        }

        output.WriteLine("statuses: " + string.Join(", ", statusCounts.Select(p => $"{p.Key}x{p.Value}")));
        output.WriteLine($"successful writes touched {touched.Count} values; successful POSTs {successfulPosts}");
        Assert.True(failures.Count == 0, $"{failures.Count} requests failed (FUZZ_SEED={seed}):\n" + string.Join("\n\n", failures.Take(25)));
        Assert.True(statusCounts.Values.Sum() >= MinRequests);
        Assert.Equal(operations.Count, perOperation.Count);
        // The webhook subscriptions and the CSV import were once missed by the fuzz: they must stay in it.
        string[] mustCover =
        [
            "POST /api/leads/import", "GET /api/imports/{id}", "GET /api/webhooks", "POST /api/webhooks", "GET /api/webhooks/{id}",
            "PUT /api/webhooks/{id}", "DELETE /api/webhooks/{id}", "POST /api/webhooks/{id}/rotate-secret", "GET /api/webhooks/{id}/deliveries",
            "POST /api/webhooks/{id}/test", "POST /api/webhooks/{id}/deliveries/{deliveryId}/replay",
        ];
        Assert.All(mustCover, key => Assert.True(perOperation.GetValueOrDefault(key) >= 10, $"{key} got {perOperation.GetValueOrDefault(key)} requests"));

        var after = await SnapshotAsync();
        var differences = CompareSnapshots(before, after, touched, successfulPosts);
        Assert.True(differences.Count == 0, $"refused requests changed stored entities (FUZZ_SEED={seed}):\n" + string.Join("\n", differences));
    }

    /// <summary>Every entity of every list, by id: its version (or update time) and its JSON.</summary>
    private async Task<Dictionary<string, Dictionary<string, JsonElement>>> SnapshotAsync()
    {
        var snapshot = new Dictionary<string, Dictionary<string, JsonElement>>(StringComparer.Ordinal);
        // The token from before the fuzz: its wrong-password logins may have throttled the admin's login by now.
        using var admin = _factory.ClientWithToken(_seeds.AdminToken);
        foreach (var path in ListPaths)
        {
            var items = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            int? offset = 0;
            while (offset is { } at)
            {
                var page = await ProblemAssert.JsonAsync(await admin.GetAsync($"{path}?limit=200&offset={at}"), HttpStatusCode.OK);
                foreach (var item in page.GetProperty("items").EnumerateArray())
                {
                    items[item.GetProperty("id").GetString()!] = item.Clone();
                }

                offset = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.Number ? next.GetInt32() : null;
            }

            snapshot[path] = items;
        }

        return snapshot;
    }

    /// <summary>
    /// Differences a refused request could have caused: an entity changed or removed that no
    /// successful write named (in its path or body, or through an entity such a write named: a
    /// lead's campaign, a meeting's lead), or more new entities than successful POSTs.
    /// </summary>
    private static List<string> CompareSnapshots(
        Dictionary<string, Dictionary<string, JsonElement>> before, Dictionary<string, Dictionary<string, JsonElement>> after,
        HashSet<string> touched, int successfulPosts)
    {
        // A ticket may be addressed by its number (T-1042) instead of its id.
        bool Named(KeyValuePair<string, JsonElement> item) => touched.Contains(item.Key) ||
            (item.Value.TryGetProperty("number", out var number) && number.ValueKind == JsonValueKind.String && touched.Contains(number.GetString()!));

        var allowed = new HashSet<string>(touched, StringComparer.Ordinal);
        foreach (var item in before.Values.SelectMany(items => items).Where(Named))
        {
            allowed.Add(item.Key);
            CollectStrings(item.Value, allowed);
        }

        var problems = new List<string>();
        foreach (var (path, items) in before)
        {
            var now = after[path];
            foreach (var (id, old) in items)
            {
                if (allowed.Contains(id))
                {
                    continue;
                }

                if (!now.TryGetValue(id, out var current))
                {
                    problems.Add($"{path}/{id} disappeared without a successful write naming it");
                }
                else if (Fingerprint(old) != Fingerprint(current))
                {
                    problems.Add($"{path}/{id} changed without a successful write naming it: {Clip(old.GetRawText(), 300)} -> {Clip(current.GetRawText(), 300)}");
                }
            }

            var added = now.Keys.Count(id => !items.ContainsKey(id));
            if (added > successfulPosts)
            {
                problems.Add($"{path}: {added} new entities but only {successfulPosts} successful POSTs");
            }
        }

        return problems;
    }

    private static string Fingerprint(JsonElement item)
    {
        foreach (var name in new[] { "version", "updated_at" })
        {
            if (item.TryGetProperty(name, out var value))
            {
                return value.GetRawText() + (item.TryGetProperty("message_count", out var count) ? "/" + count.GetRawText() : "");
            }
        }

        return item.GetRawText();
    }

    internal static void CollectStrings(JsonElement element, HashSet<string> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                try
                {
                    into.Add(element.GetString()!);
                }
                catch (InvalidOperationException)
                {
                    // an undecodable string names nothing
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    CollectStrings(property.Value, into);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectStrings(item, into);
                }

                break;
        }
    }

    internal static string Clip(string text, int max) => text.Length <= max ? text : text[..max] + $"... ({text.Length} chars)";
}

/// <summary>The operations of the OpenAPI document: method, path template, query parameters, JSON body schema.</summary>
internal sealed record OpenApiOperation(string Method, string Path, IReadOnlyList<(string Name, JsonElement Schema)> Query, JsonElement? Body)
{
    public string Key => Method + " " + Path;
}

internal static class OpenApiOperations
{
    public static List<OpenApiOperation> Read(JsonElement document)
    {
        var operations = new List<OpenApiOperation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var method = operation.Name.ToUpperInvariant();
                if (method is not ("GET" or "POST" or "PUT" or "PATCH" or "DELETE"))
                {
                    continue;
                }

                var query = new List<(string, JsonElement)>();
                if (operation.Value.TryGetProperty("parameters", out var parameters))
                {
                    foreach (var parameter in parameters.EnumerateArray())
                    {
                        if (parameter.GetProperty("in").GetString() == "query")
                        {
                            query.Add((parameter.GetProperty("name").GetString()!,
                                parameter.TryGetProperty("schema", out var schema) ? schema.Clone() : default));
                        }
                    }
                }

                JsonElement? body = null;
                if (operation.Value.TryGetProperty("requestBody", out var requestBody) &&
                    requestBody.TryGetProperty("content", out var content))
                {
                    foreach (var media in content.EnumerateObject())
                    {
                        if (media.Value.TryGetProperty("schema", out var schema))
                        {
                            body = schema.Clone();
                            break;
                        }
                    }
                }

                operations.Add(new OpenApiOperation(method, path.Name, query, body));
            }
        }

        return operations;
    }
}

/// <summary>The entities and identities the fuzz addresses: real ids make the mutations reach the grains.</summary>
internal sealed class Seeds
{
    public string AdminToken { get; private init; } = "";
    public string AgentId { get; private init; } = "";
    public string AgentToken { get; private init; } = "";
    public string ClientId { get; private init; } = "";
    public string ClientToken { get; private init; } = "";
    public string VictimUserId { get; private init; } = "";
    public string ChatSessionId { get; private init; } = "";
    public string ChatToken { get; private init; } = "";
    public List<string> Leads { get; } = [];
    public List<string> Tickets { get; } = [];
    public List<string> TicketNumbers { get; } = [];
    public List<string> Meetings { get; } = [];
    public List<string> Campaigns { get; } = [];
    public List<string> Webhooks { get; } = [];
    public List<string> WebhookDeliveries { get; } = [];
    public List<string> Imports { get; } = [];

    public static async Task<Seeds> CreateAsync(CrmApiFactory factory, HttpClient http)
    {
        var (agentId, agentToken) = await factory.CreateUserAsync("agent");
        var (clientId, clientToken) = await factory.CreateUserAsync("client");
        var (victimId, _) = await factory.CreateUserAsync("agent");
        using var start = await http.PostAsJsonAsync("/api/chat/sessions", new { });
        var chat = await ProblemAssert.JsonAsync(start, HttpStatusCode.Created);
        var seeds = new Seeds
        {
            AdminToken = await factory.AdminTokenAsync(),
            AgentId = agentId,
            AgentToken = agentToken,
            ClientId = clientId,
            ClientToken = clientToken,
            VictimUserId = victimId,
            ChatSessionId = chat.GetProperty("id").GetString()!,
            ChatToken = chat.GetProperty("session_token").GetString()!,
        };
        using var admin = factory.ClientWithToken(seeds.AdminToken);
        using var client = factory.ClientWithToken(clientToken);
        for (var i = 0; i < 3; i++)
        {
            var campaign = await CreatedAsync(admin, "/api/campaigns", new { name = $"Seed campaign {i}", type = "email", start_date = "2027-01-01", end_date = "2027-03-01" });
            seeds.Campaigns.Add(campaign.GetProperty("id").GetString()!);
            var lead = await CreatedAsync(admin, "/api/leads", new { name = $"Seed lead {i}", email = $"seed-lead-{i}@crm.test", campaign_id = seeds.Campaigns[i] });
            seeds.Leads.Add(lead.GetProperty("id").GetString()!);
            var ticket = await CreatedAsync(client, "/api/tickets", new { subject = $"Seed ticket {i}", description = "Seeded\nfor the fuzz" });
            seeds.Tickets.Add(ticket.GetProperty("id").GetString()!);
            seeds.TicketNumbers.Add(ticket.GetProperty("number").GetString()!);
            var meeting = await CreatedAsync(admin, "/api/meetings?force=true", new
            {
                title = $"Seed meeting {i}",
                date = $"2027-0{i + 1}-10T10:00:00Z",
                participants = new object[] { new { user_id = clientId }, new { lead_id = seeds.Leads[i] } },
                lead_id = seeds.Leads[i],
                notes = "staff only",
            });
            seeds.Meetings.Add(meeting.GetProperty("id").GetString()!);

            // A subscription whose receiver refuses at once (the discard port), with a logged delivery to replay.
            var webhook = await CreatedAsync(admin, "/api/webhooks", new { url = $"http://127.0.0.1:9/seed-hook-{i}", events = new[] { "ticket.created" } });
            seeds.Webhooks.Add(webhook.GetProperty("id").GetString()!);
            using var ping = await admin.PostAsync($"/api/webhooks/{seeds.Webhooks[i]}/test", null);
            seeds.WebhookDeliveries.Add((await ProblemAssert.JsonAsync(ping, HttpStatusCode.OK)).GetProperty("id").GetString()!);

            using var csv = new StringContent($"name,email\r\nImported seed {i},imported-seed-{i}@crm.test\r\n", Encoding.UTF8, "text/csv");
            using var import = await admin.PostAsync("/api/leads/import?dry_run=true", csv);
            seeds.Imports.Add((await ProblemAssert.JsonAsync(import, HttpStatusCode.Accepted)).GetProperty("id").GetString()!);
        }

        return seeds;
    }

    private static async Task<JsonElement> CreatedAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        return await ProblemAssert.JsonAsync(response, HttpStatusCode.Created);
    }
}

/// <summary>One request as the fuzz built it, printable so a failure can be replayed by hand.</summary>
internal sealed class FuzzedRequest
{
    public required string Method { get; init; }
    public required string Url { get; init; }
    public required string Role { get; init; }
    public List<(string Name, string Value)> Headers { get; } = [];
    public byte[]? Body { get; set; }
    public string? ContentType { get; set; }

    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), new Uri(Url, UriKind.Relative));
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        return request;
    }

    /// <summary>Strings of the body (and the path's segments) that a successful write may have changed.</summary>
    public void CollectStrings(HashSet<string> into)
    {
        foreach (var segment in Url.Split('?')[0].Split('/'))
        {
            into.Add(Uri.UnescapeDataString(segment));
        }

        if (Body is null)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(Body);
            MalformedInputTests.CollectStrings(document.RootElement, into);
        }
        catch (JsonException)
        {
        }
    }

    public string Describe()
    {
        var text = new StringBuilder($"  {Method} {Url} as {Role}\n");
        foreach (var (name, value) in Headers.Where(h => h.Name != "Authorization"))
        {
            text.Append($"  {name}: {MalformedInputTests.Clip(value, 120)}\n");
        }

        if (Body is not null)
        {
            text.Append($"  Content-Type: {ContentType ?? "(none)"}\n  body: ");
            text.Append(MalformedInputTests.Clip(Printable(Body), 600));
        }

        return text.ToString();
    }

    /// <summary>The body with non-printable and non-ASCII bytes as \xNN, so invalid UTF-8 shows as sent.</summary>
    private static string Printable(byte[] body)
    {
        var text = new StringBuilder(Math.Min(body.Length, 800));
        foreach (var b in body.Take(800))
        {
            text.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return text.ToString();
    }
}
