using CrmChatbot.Chat.Language;

namespace CrmChatbot.Chat.Dialogue.Forms;

/// <summary>The scheduled meetings ahead that the principal owns.</summary>
internal sealed class ListMeetingsForm : ChatForm
{
    public override Intent Intent => Intent.ListMeetings;

    public override bool Immediate => true;

    public override int Order => 25;

    public override string ToolDescription => "The user's upcoming meetings.";

    public override string? Capability(ChatUser user) => user.IsSignedIn ? "list or cancel your meetings" : null;

    public override async Task ExecuteAsync(FormTurn turn, CancellationToken ct)
    {
        var upcoming = await turn.UpcomingMeetingsAsync(ct);
        if (upcoming is null)
        {
            turn.Say("Please sign in (or book a meeting with me first) so I can find your meetings.");
            turn.Suggestions = ["Book a meeting"];
            return;
        }

        turn.Say(upcoming.Count == 0
            ? "You have no upcoming meetings."
            : "Your upcoming meetings: " + ChatText.MeetingList(upcoming, turn.State.TimeZone) + ".");
        turn.Suggestions = upcoming.Count == 0 ? ["Book a meeting"] : ["Cancel my next meeting", "Book a meeting"];
    }
}
