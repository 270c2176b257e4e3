using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace CrmChatbot.Api.Tests.Security;

/// <summary>
/// How the access-rules test calls a row: route values filled with real ids, a minimal valid body where
/// the route reads one before deciding access (so the answer is about access, not about the body), and a
/// setup step where a route needs a state first. A new row usually needs nothing here: its {id} is filled
/// from <see cref="AccessWorld.RecordAsync"/> by the route's collection, and its body defaults to <c>{}</c>.
/// </summary>
public static partial class AccessRequests
{
    /// <summary>Bodies by row; the rest get <c>{}</c> (POST, PUT, PATCH) or none.</summary>
    private static readonly Dictionary<string, Func<AccessWorld, object>> Bodies = new(StringComparer.Ordinal)
    {
        ["POST /api/auth/register"] = w => new { email = $"register-{w.Next()}-{Guid.NewGuid():N}@crm.test", password = CrmApiFactory.UserPassword, name = "Registered" },
        ["POST /api/webhooks"] = _ => new { url = "http://127.0.0.1:9/hook", events = new[] { "campaign.created" } },
        ["POST /api/auth/login"] = w => new { email = w.LoginEmail, password = CrmApiFactory.UserPassword },
        ["POST /api/users"] = w => new { email = $"created-{w.Next()}-{Guid.NewGuid():N}@crm.test", password = CrmApiFactory.UserPassword, name = "Created", role = "client" },
        ["PUT /api/users/{id}"] = _ => new { name = "Renamed" },
        ["PATCH /api/users/{id}"] = _ => new { name = "Renamed" },
        ["POST /api/leads"] = w => new { name = $"Lead {w.Next()}" },
        ["PUT /api/leads/{id}"] = _ => new { notes = "changed" },
        ["PATCH /api/leads/{id}"] = _ => new { notes = "changed" },
        ["POST /api/leads/{id}/assign"] = w => new { owner_id = w.UserIdOf(AccessRole.Agent) },
        ["POST /api/campaigns"] = w => new { name = $"Campaign {w.Next()}", type = "email" },
        ["PUT /api/campaigns/{id}"] = _ => new { description = "changed" },
        ["PATCH /api/campaigns/{id}"] = _ => new { description = "changed" },
        ["POST /api/campaigns/{id}/status"] = _ => new { status = "scheduled" },
        ["POST /api/campaigns/{id}/metrics"] = _ => new { sent = 1 },
        ["POST /api/tickets"] = w => new { subject = $"Ticket {w.Next()}" },
        ["PUT /api/tickets/{id}"] = _ => new { description = "changed" },
        ["PATCH /api/tickets/{id}"] = _ => new { description = "changed" },
        ["POST /api/tickets/{id}/status"] = _ => new { status = "closed" },
        ["POST /api/tickets/{id}/comments"] = _ => new { body = "A reply" },
        ["POST /api/meetings"] = w => new { title = $"Meeting {w.Next()}", date = "2032-02-02T10:00:00Z" },
        ["PUT /api/meetings/{id}"] = _ => new { title = "Moved" },
        ["PATCH /api/meetings/{id}"] = _ => new { title = "Moved" },
        ["POST /api/meetings/{id}/respond"] = _ => new { response = "accepted" },
        ["POST /api/chat/sessions/{id}/messages"] = _ => new { text = "hello" },
        ["POST /api/chat/sessions/{id}/agent-messages"] = _ => new { text = "hello from staff" },
    };

    /// <summary>Steps before the call: agent replies and release need the session in the caller's (or an agent's) hands.</summary>
    private static readonly Dictionary<string, Func<AccessWorld, AccessRole, AccessRecord, Task>> Setups = new(StringComparer.Ordinal)
    {
        ["POST /api/chat/sessions/{id}/agent-messages"] = AssignAsync,
        ["POST /api/chat/sessions/{id}/release"] = AssignAsync,
        ["POST /api/webhooks/{id}/deliveries/{deliveryId}/replay"] = PingAsync,
    };

    /// <summary>Values of route parameters that are not record ids.</summary>
    private static readonly Dictionary<string, Func<AccessWorld, string>> RouteValues = new(StringComparer.Ordinal)
    {
        ["documentName"] = _ => "v1",
        ["file"] = w => w.ChatAsset,
        ["page"] = _ => "1",
        ["path"] = w => w.SiloAddress,
        ["address"] = w => w.SiloAddress,
        ["grainName"] = _ => "x",
        ["deliveryId"] = w => w.WebhookDeliveryId,
    };

    public static bool HasRecord(string route) => route.Contains("/{id}", StringComparison.Ordinal);

    public static string Collection(string route) => route[..route.IndexOf("/{id}", StringComparison.Ordinal)];

    /// <summary>The request for <paramref name="role"/> calling <paramref name="route"/> on <paramref name="record"/>.</summary>
    public static async Task<HttpRequestMessage> BuildAsync(
        AccessWorld world, AccessRule rule, string route, AccessRole role, AccessRecord? record)
    {
        if (record is not null && Setups.TryGetValue(rule.Key, out var setup))
        {
            await setup(world, role, record);
        }

        var path = Parameter().Replace(route, match =>
        {
            var name = match.Groups[1].Value;
            if (name == "id")
            {
                return Uri.EscapeDataString(record?.Id ?? throw new InvalidOperationException($"{route}: no record"));
            }

            return RouteValues.TryGetValue(name, out var value)
                ? value(world)
                : throw new InvalidOperationException($"{route}: no value for {{{name}}}: add one to {nameof(AccessRequests)}.{nameof(RouteValues)}");
        });
        var request = new HttpRequestMessage(new HttpMethod(rule.Method), path);
        if (world.TokenOf(role) is { } token)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        if (role == AccessRole.Visitor)
        {
            // Its own session's token when the record is its own; else the token of the session it has.
            request.Headers.Add(CrmChatbot.Api.Chat.ChatEndpoints.TokenHeader, record?.ChatToken ?? world.VisitorSession.ChatToken);
        }

        if (Bodies.TryGetValue(rule.Key, out var body))
        {
            request.Content = JsonContent.Create(body(world));
        }
        else if (rule.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = AccessWorld.Json(new { });
        }

        return request;
    }

    private static async Task AssignAsync(AccessWorld world, AccessRole role, AccessRecord record)
    {
        using var http = world.ClientFor(role is AccessRole.Admin or AccessRole.Agent ? role : AccessRole.Agent);
        using var response = await http.PostAsync($"/api/chat/sessions/{record.Id}/assign", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A logged delivery to replay: the admin sends the webhook a ping.</summary>
    private static async Task PingAsync(AccessWorld world, AccessRole role, AccessRecord record)
    {
        using var http = world.ClientFor(AccessRole.Admin);
        using var response = await http.PostAsync($"/api/webhooks/{record.Id}/test", null);
        var json = await ProblemAssert.JsonAsync(response, System.Net.HttpStatusCode.OK);
        world.WebhookDeliveryId = json.GetProperty("id").GetString()!;
    }

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z]+)(?::[^}]*)?\}")]
    private static partial Regex Parameter();
}
