using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CrmChatbot.Api.Tests.Security;

/// <summary>A record to call an operation on, with the visitor token that owns it (chat sessions started by a visitor).</summary>
public sealed record AccessRecord(string Id, string? ChatToken = null);

/// <summary>
/// The service and its callers for the access-rules test: one of each role, a second client whose
/// records are "someone else's", and records made on demand. GETs share one record per kind and owner;
/// every other method gets a fresh one, so deletes and state changes never depend on the order of calls.
/// </summary>
public sealed partial class AccessWorld : IAsyncLifetime
{
    private const string Password = CrmApiFactory.UserPassword;

    private readonly Dictionary<(string, AccessRole?), AccessRecord> _shared = [];
    private readonly Dictionary<AccessRole, (string Id, string Token)> _users = [];
    private int _counter;

    public CrmApiFactory Factory { get; } = new();

    /// <summary>Owns "someone else's" tickets, meetings and chat sessions.</summary>
    public (string Id, string Token) OtherClient { get; private set; }

    /// <summary>The visitor's own session, whose token it sends when the record is not its own.</summary>
    public AccessRecord VisitorSession { get; private set; } = null!;

    public string LoginEmail { get; } = $"login-{Guid.NewGuid():N}@crm.test";

    public string ChatAsset { get; private set; } = "";

    /// <summary>The answering silo, for the dashboard routes that take one.</summary>
    public string SiloAddress { get; private set; } = "";

    /// <summary>Books the meetings: the organizer takes part in a meeting, so it must be none of the callers.</summary>
    private (string Id, string Token) Booker { get; set; }

    public async Task InitializeAsync()
    {
        // The table opens a fresh ticket (and comments on it) for every row that changes one: the client quotas
        // have tests of their own and would otherwise refuse the table's requests part-way.
        Factory.Settings["TICKET_CLIENT_MAX_OPEN"] = "10000";
        Factory.Settings["TICKET_CLIENT_COMMENTS_PER_HOUR"] = "10000";
        Factory.Settings["TICKET_CLIENT_STATUS_CHANGES_PER_DAY"] = "10000";
        var adminToken = await Factory.AdminTokenAsync();
        _users[AccessRole.Admin] = (await UserIdAsync(adminToken), adminToken);
        _users[AccessRole.Agent] = await Factory.CreateUserAsync("agent");
        _users[AccessRole.Client] = await Factory.CreateUserAsync("client");
        OtherClient = await Factory.CreateUserAsync("client");
        Booker = await Factory.CreateUserAsync("agent");
        await Factory.CreateUserAsync("client", LoginEmail);
        VisitorSession = await StartChatAsync(null);
        using var anonymous = Factory.CreateClient();
        var page = await anonymous.GetStringAsync("/chat");
        ChatAsset = AssetLink().Match(page) is { Success: true } match ? match.Groups[1].Value : "missing-asset";
        using var admin = ClientFor(AccessRole.Admin);
        var cluster = await ProblemAssert.JsonAsync(await admin.GetAsync("/api/admin/cluster"), HttpStatusCode.OK);
        SiloAddress = cluster.GetProperty("answered_by").GetString()!;
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }

    public string? TokenOf(AccessRole role) => _users.TryGetValue(role, out var user) ? user.Token : null;

    public string UserIdOf(AccessRole role) => _users.TryGetValue(role, out var user) ? user.Id : throw new InvalidOperationException($"{role} has no account");

    public HttpClient ClientFor(AccessRole role)
    {
        var client = Factory.CreateClient();
        if (TokenOf(role) is { } token)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public int Next() => Interlocked.Increment(ref _counter);

    /// <summary>A delivery of the webhook a replay row is called on (set by its setup step).</summary>
    public string WebhookDeliveryId { get; set; } = "none";

    /// <summary>
    /// A record of the collection (the route up to <c>/{id}</c>) owned by <paramref name="owner"/>, or by
    /// someone else when null. Add a case here when a new kind of record gets routes.
    /// </summary>
    public async Task<AccessRecord> RecordAsync(string collection, AccessRole? owner, bool fresh)
    {
        if (!fresh && _shared.TryGetValue((collection, owner), out var shared))
        {
            return shared;
        }

        var record = collection switch
        {
            "/api/leads" => await AdminCreatesAsync(collection, owner, "/api/leads", new { name = $"Access lead {Next()}" }),
            "/api/campaigns" => await AdminCreatesAsync(collection, owner, "/api/campaigns", new { name = $"Access campaign {Next()}", type = "email" }),
            "/api/users" => await AdminCreatesAsync(collection, owner, "/api/users",
                new { email = $"access-user-{Next()}-{Guid.NewGuid():N}@crm.test", password = Password, name = "Access user", role = "client" }),
            "/api/tickets" => await CreateAsync(owner is { } role ? role : AccessRole.Client, owner is null, "/api/tickets", new { subject = $"Access ticket {Next()}" }),
            "/api/meetings" => await BookAsync(new
            {
                title = $"Access meeting {Next()}",
                date = new DateTime(2031, 1, 1, 8, 0, 0, DateTimeKind.Utc).AddHours(Next()).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                participants = new object[] { new { user_id = owner is { } role ? UserIdOf(role) : OtherClient.Id } },
            }),
            "/api/chat/sessions" => await StartChatAsync(owner, owner is null),
            "/api/imports" => await ImportAsync(collection, owner),
            // A receiver that refuses connections (port 9, discard): its deliveries only fail and retry.
            "/api/webhooks" => await AdminCreatesAsync(collection, owner, "/api/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "campaign.created" } }),
            _ => throw new InvalidOperationException($"no records for '{collection}': add a case to {nameof(AccessWorld)}.{nameof(RecordAsync)}"),
        };
        if (!fresh)
        {
            _shared[(collection, owner)] = record;
        }

        return record;
    }

    private async Task<AccessRecord> AdminCreatesAsync(string collection, AccessRole? owner, string path, object body)
    {
        if (owner is not null)
        {
            throw new InvalidOperationException($"'{collection}' records have no owner: the table cannot say 'own' for them");
        }

        return await CreateAsync(AccessRole.Admin, false, path, body);
    }

    /// <summary>A dry-run lead import by the admin (imports have no owner: staff share them, as they share leads).</summary>
    private async Task<AccessRecord> ImportAsync(string collection, AccessRole? owner)
    {
        if (owner is not null)
        {
            throw new InvalidOperationException($"'{collection}' records have no owner: the table cannot say 'own' for them");
        }

        using var http = ClientFor(AccessRole.Admin);
        using var content = new StringContent($"name\nAccess import {Next()}\n", Encoding.UTF8, "text/csv");
        using var response = await http.PostAsync("/api/leads/import?dry_run=true", content);
        var json = await ProblemAssert.JsonAsync(response, HttpStatusCode.Accepted);
        return new AccessRecord(json.GetProperty("id").GetString()!);
    }

    private async Task<AccessRecord> BookAsync(object body)
    {
        using var http = Factory.ClientWithToken(Booker.Token);
        using var response = await http.PostAsJsonAsync("/api/meetings?force=true", body);
        var json = await ProblemAssert.JsonAsync(response, HttpStatusCode.Created);
        return new AccessRecord(json.GetProperty("id").GetString()!);
    }

    private async Task<AccessRecord> CreateAsync(AccessRole role, bool asOtherClient, string path, object body)
    {
        if (role is AccessRole.Visitor or AccessRole.Anonymous)
        {
            throw new InvalidOperationException($"a {role} cannot own '{path}' records");
        }

        using var http = asOtherClient ? Factory.ClientWithToken(OtherClient.Token) : ClientFor(role);
        using var response = await http.PostAsJsonAsync(path, body);
        var json = await ProblemAssert.JsonAsync(response, HttpStatusCode.Created);
        return new AccessRecord(json.GetProperty("id").GetString()!);
    }

    /// <summary>A chat session started by the role (a visitor: without a bearer token), or by the other client.</summary>
    private async Task<AccessRecord> StartChatAsync(AccessRole? owner, bool asOtherClient = false)
    {
        if (owner is AccessRole.Anonymous)
        {
            throw new InvalidOperationException("anonymous callers own nothing; a visitor owns the session whose token it holds");
        }

        using var http = asOtherClient ? Factory.ClientWithToken(OtherClient.Token) : owner is { } role ? ClientFor(role) : Factory.CreateClient();
        using var response = await http.PostAsync("/api/chat/sessions", null);
        var json = await ProblemAssert.JsonAsync(response, HttpStatusCode.Created);
        var token = json.TryGetProperty("session_token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        return new AccessRecord(json.GetProperty("id").GetString()!, token);
    }

    private async Task<string> UserIdAsync(string token)
    {
        using var http = Factory.ClientWithToken(token);
        return (await ProblemAssert.JsonAsync(await http.GetAsync("/api/auth/me"), HttpStatusCode.OK)).GetProperty("id").GetString()!;
    }

    /// <summary>A JSON body.</summary>
    public static HttpContent Json(object body) => new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [GeneratedRegex("/chat/assets/([^\"?#']+)")]
    private static partial Regex AssetLink();
}
