using System.Security.Claims;
using CrmChatbot.Api.Auth;
using CrmChatbot.Common;
using CrmChatbot.Meetings;
using CrmChatbot.Users;

namespace CrmChatbot.Api.Meetings;

/// <summary>
/// What a caller may see of a meeting, decided here for every meeting endpoint (get, list,
/// respond, ICS). Staff see everything. A client participant sees the meeting itself (title,
/// times, zone, location, URL, status), the organizer by name, and their own entry with their
/// answer: no notes, no lead or ticket link, no other attendee, no one else's email.
/// </summary>
public static class MeetingViews
{
    public static MeetingDto For(ClaimsPrincipal principal, MeetingDto meeting) =>
        principal.Role().IsStaff() ? meeting : ForClient(meeting, principal.UserId());

    public static Page<MeetingDto> For(ClaimsPrincipal principal, Page<MeetingDto> page) =>
        principal.Role().IsStaff() ? page : page with { Items = [.. page.Items.Select(m => ForClient(m, principal.UserId()))] };

    public static MeetingDto ForClient(MeetingDto meeting, string userId)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        var visible = new List<ParticipantDto>();
        foreach (var participant in meeting.Participants)
        {
            var isSelf = participant.Kind == ParticipantKind.User && participant.UserId == userId;
            if (isSelf)
            {
                visible.Add(participant);
            }
            else if (participant.IsOrganizer)
            {
                visible.Add(participant with { Email = null, LeadId = null });
            }
        }

        return meeting with
        {
            Participants = visible,
            Notes = null,
            LeadId = null,
            TicketId = null,
            ReminderSentAt = null,
        };
    }
}
