namespace CrmChatbot.Leads;

/// <summary>
/// The rule-based lead score, 0-100: a pure function of the state, recomputed on every change.
/// Weights (they add up to 100 at best):
/// <list type="bullet">
/// <item>Contact completeness, up to 30: email 10, phone 8, company 7, name 5 (the ways to reach and place the lead).</item>
/// <item>Source, up to 25: referral 25 (a warm introduction converts best), event 20 (met in person),
/// chatbot 15 and website 12 (inbound, self-initiated interest; a chat is a live conversation),
/// campaign 10 (answered broad outbound marketing), other 5 (unknown quality).</item>
/// <item>Engagement, up to 30: 15 per booked meeting, capped at two meetings.</item>
/// <item>Status: qualified and converted +15, contacted +5, new 0, unqualified -20, lost -30.</item>
/// </list>
/// The total is clamped to 0-100.
/// </summary>
public static class LeadScoring
{
    public const int EmailPoints = 10;
    public const int PhonePoints = 8;
    public const int CompanyPoints = 7;
    public const int NamePoints = 5;
    public const int PointsPerMeeting = 15;
    public const int MaxMeetingPoints = 30;

    public static int Score(LeadState lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var score = Completeness(lead) + SourcePoints(lead.Source) + MeetingPoints(lead.MeetingIds.Count) + StatusPoints(lead.Status);
        return Math.Clamp(score, 0, 100);
    }

    public static int Completeness(LeadState lead) =>
        (string.IsNullOrWhiteSpace(lead.Email) ? 0 : EmailPoints) +
        (string.IsNullOrWhiteSpace(lead.Phone) ? 0 : PhonePoints) +
        (string.IsNullOrWhiteSpace(lead.Company) ? 0 : CompanyPoints) +
        (string.IsNullOrWhiteSpace(lead.Name) ? 0 : NamePoints);

    public static int SourcePoints(LeadSource source) => source switch
    {
        LeadSource.Referral => 25,
        LeadSource.Event => 20,
        LeadSource.Chatbot => 15,
        LeadSource.Website => 12,
        LeadSource.Campaign => 10,
        _ => 5,
    };

    public static int MeetingPoints(int meetings) => Math.Min(Math.Max(meetings, 0) * PointsPerMeeting, MaxMeetingPoints);

    public static int StatusPoints(LeadStatus status) => status switch
    {
        LeadStatus.Qualified or LeadStatus.Converted => 15,
        LeadStatus.Contacted => 5,
        LeadStatus.Unqualified => -20,
        LeadStatus.Lost => -30,
        _ => 0,
    };
}
