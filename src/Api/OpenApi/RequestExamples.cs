using System.Text.Json.Nodes;
using CrmChatbot.Api.Auth;
using CrmChatbot.Api.Campaigns;
using CrmChatbot.Api.Chat;
using CrmChatbot.Api.Leads;
using CrmChatbot.Api.Meetings;
using CrmChatbot.Api.Tickets;
using CrmChatbot.Api.Users;
using CrmChatbot.Api.Webhooks;

namespace CrmChatbot.Api.OpenApi;

/// <summary>
/// An example body per request type, shown in the docs and checked against the schema by the linter.
/// A request body type missing here fails the contract test, so new endpoints come with an example.
/// </summary>
public static class RequestExamples
{
    private static readonly Dictionary<Type, string> Json = new()
    {
        [typeof(RegisterRequest)] = """{"email": "ada@example.com", "password": "correct-horse-battery", "name": "Ada Lovelace"}""",
        [typeof(LoginRequest)] = """{"email": "admin@example.com", "password": "change-me-now"}""",
        [typeof(CreateUserRequest)] = """{"email": "grace@example.com", "password": "a-long-password", "name": "Grace Hopper", "role": "agent"}""",
        [typeof(ChangePasswordRequest)] = """{"current_password": "correct-horse-battery", "new_password": "staple-orbit-lantern-42"}""",
        [typeof(ResetPasswordRequest)] = """{"new_password": "staple-orbit-lantern-42"}""",
        [typeof(UpdateUserRequest)] = """{"role": "admin", "is_active": true}""",
        [typeof(CreateLeadRequest)] = """{"name": "Ada Lovelace", "email": "ada@example.com", "company": "Analytical Engines", "source": "referral"}""",
        [typeof(UpdateLeadRequest)] = """{"status": "qualified", "notes": "Wants a demo next week"}""",
        [typeof(ConvertLeadRequest)] = """{"notes": "Signed the annual plan"}""",
        [typeof(AssignLeadRequest)] = """{"owner_id": "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}""",
        [typeof(CreateCampaignRequest)] = """{"name": "Spring webinar", "type": "event", "budget": 2500, "start_date": "2027-03-01", "end_date": "2027-03-31"}""",
        [typeof(UpdateCampaignRequest)] = """{"description": "Two sessions instead of one", "actual_cost": 1800.5}""",
        [typeof(ChangeCampaignStatusRequest)] = """{"status": "active", "note": "Invitations sent"}""",
        [typeof(AddCampaignMetricsRequest)] = """{"sent": 1000, "delivered": 980, "opened": 410, "clicked": 95}""",
        [typeof(CreateTicketRequest)] = """{"subject": "Cannot export invoices", "description": "The export button does nothing.", "priority": "high", "status": "open", "tags": ["billing"]}""",
        [typeof(UpdateTicketRequest)] = """{"priority": "urgent", "tags": ["billing", "export"]}""",
        [typeof(TicketStatusRequest)] = """{"status": "in_progress"}""",
        [typeof(TicketCommentRequest)] = """{"body": "We are looking into it.", "internal": false}""",
        [typeof(CreateMeetingRequest)] = """{"title": "Product demo", "date": "2027-03-04T14:00:00Z", "duration_minutes": 30, "time_zone": "Europe/Paris", "participants": [{"email": "ada@example.com"}, {"user_id": "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "response": "accepted"}]}""",
        [typeof(UpdateMeetingRequest)] = """{"location": "Room 2", "duration_minutes": 45}""",
        [typeof(RespondRequest)] = """{"response": "accepted"}""",
        [typeof(StartChatRequest)] = """{"time_zone": "Europe/Paris"}""",
        [typeof(CreateWebhookRequest)] = """{"url": "https://hooks.example.com/crm", "events": ["lead.created", "ticket.*"]}""",
        [typeof(UpdateWebhookRequest)] = """{"active": true}""",
        [typeof(ChatTextRequest)] = """{"text": "I'd like a demo on Thursday at 3pm"}""",
    };

    /// <summary>A fresh node (the document owns what it is given), or null when the type has no example.</summary>
    public static JsonNode? For(Type requestType) =>
        Json.TryGetValue(requestType, out var json) ? JsonNode.Parse(json) : null;
}
