namespace CrmChatbot.Api.OpenApi;

/// <summary>
/// The description of every tag in the OpenAPI document. A tag used by an endpoint but missing here
/// fails the contract test (tests/Api.Tests/OpenApi), so a new endpoint group cannot ship undocumented.
/// </summary>
public static class ApiTags
{
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Auth"] = "Sign-up, sign-in (JSON or the OAuth2 password form) and the signed-in user.",
        ["Users"] = "Accounts and roles, managed by admins.",
        ["Leads"] = "Sales leads for staff: filters, rule-based score, conversion, assignment and history.",
        ["Campaigns"] = "Marketing campaigns: staff read them, admins manage status, budget and metrics.",
        ["Tickets"] = "Support tickets numbered T-1001, ...: SLA, status workflow, comments (public or internal) and history.",
        ["Meetings"] = "Meetings with staff, leads and clients: conflicts, invitations, iCalendar export.",
        ["Chat"] = "Chat sessions with the assistant and, after a hand-off, with an agent. Visitors prove ownership with X-Chat-Token.",
        ["Imports"] = "Progress and per-row results of CSV lead imports (POST /api/leads/import).",
        ["Webhooks"] = "Signed event deliveries to other systems (Standard Webhooks), with retries, a delivery log and replay; admins only.",
        ["Admin"] = "Operations for admins: the cluster view and the Orleans dashboard session.",
    };
}
