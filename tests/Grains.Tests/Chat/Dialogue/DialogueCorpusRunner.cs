using System.Globalization;
using System.Text;
using System.Text.Json;
using CrmChatbot.Chat.Dialogue;
using CrmChatbot.Chat.Language;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Meetings;
using CrmChatbot.Tickets;
using CrmChatbot.Users;

namespace CrmChatbot.Grains.Tests.Chat.Dialogue;

/// <summary>The outcome of one dialogue: <see cref="Failure"/> is null when every turn and the CRM record matched.</summary>
internal sealed record DialogueOutcome(string Id, string? Failure, string Transcript);

/// <summary>
/// Plays a dialogue file (format of <c>Chat/Corpus/dialogues.json</c>) against the real engine and grains and checks
/// each turn (intent, reply fragment) and the outcome (actions, and the fields of the entities created). Shared by the
/// tuning corpus and the blind held-out set, so both are judged by the same rules.
/// </summary>
internal sealed class DialogueCorpusRunner(ClusterFixture fixture)
{
    public async Task<IReadOnlyList<DialogueOutcome>> RunFileAsync(string fileName, LanguageEngine engine)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Chat", "Corpus", fileName)));
        var root = doc.RootElement;
        var now = DateTimeOffset.Parse(root.GetProperty("now").GetString()!, CultureInfo.InvariantCulture);
        var zone = root.GetProperty("time_zone").GetString()!;
        var dialogues = root.GetProperty("dialogues").EnumerateArray().ToList();

        // A few at a time: fast, without piling dozens of concurrent writes onto the one in-memory store.
        using var gate = new SemaphoreSlim(4);
        return await Task.WhenAll(dialogues.Select(async d =>
        {
            await gate.WaitAsync();
            try
            {
                return await RunAsync(d, now, zone, engine);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private async Task<DialogueOutcome> RunAsync(JsonElement dialogue, DateTimeOffset now, string defaultZone, LanguageEngine engine)
    {
        var harness = new DialogueHarness(fixture);
        var id = dialogue.GetProperty("id").GetString()!;
        var transcript = new StringBuilder();
        try
        {
            var owner = await harness.NewUserAsync(UserRole.Admin, "Bot Owner");
            var role = dialogue.GetProperty("user").GetString()!;
            UserDto? account = role == "visitor" ? null : await harness.NewUserAsync(Enum.Parse<UserRole>(role, ignoreCase: true), "Casey Client");
            var chatUser = account is null ? ChatUser.Visitor : DialogueHarness.ChatUserOf(account);
            var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["uid"] = Guid.NewGuid().ToString("N")[..8] };
            await SetUpAsync(harness, dialogue, owner, account, values);

            var manager = harness.Manager(owner.Id, now, engine);
            var state = new DialogueState { TimeZone = dialogue.TryGetProperty("time_zone", out var tz) ? tz.GetString()! : defaultZone };
            var actions = new List<DialogueAction>();
            transcript.AppendLine("  bot: " + manager.Greeting(chatUser));
            var turnNumber = 0;
            foreach (var turn in dialogue.GetProperty("turns").EnumerateArray())
            {
                turnNumber++;
                var text = Fill(turn.GetProperty("text").GetString()!, values);
                var result = await manager.HandleAsync(state, text, chatUser, "session-" + id);
                state = result.State;
                actions.AddRange(result.Actions);
                transcript.AppendLine($"  user: {text}\n  bot ({Snake(result.Intent)}): {result.Reply}");
                if (turn.TryGetProperty("intent", out var intent) && intent.GetString() != Snake(result.Intent))
                {
                    return new DialogueOutcome(id, $"turn {turnNumber}: intent {Snake(result.Intent)}, expected {intent.GetString()}", transcript.ToString());
                }

                if (turn.TryGetProperty("reply", out var fragment) && !result.Reply.Contains(Fill(fragment.GetString()!, values), StringComparison.OrdinalIgnoreCase))
                {
                    return new DialogueOutcome(id, $"turn {turnNumber}: reply lacks \"{Fill(fragment.GetString()!, values)}\"", transcript.ToString());
                }
            }

            var failure = await CheckOutcomeAsync(harness, dialogue.GetProperty("expect"), actions, state, account, values);
            return new DialogueOutcome(id, failure, transcript.ToString());
        }
        catch (Exception e)
        {
            return new DialogueOutcome(id, "threw " + e.GetType().Name + ": " + e.Message + " / " + e.InnerException?.Message, transcript.ToString());
        }
    }

    private static async Task SetUpAsync(DialogueHarness harness, JsonElement dialogue, UserDto owner, UserDto? account, Dictionary<string, string> values)
    {
        if (!dialogue.TryGetProperty("setup", out var setup))
        {
            return;
        }

        if (setup.TryGetProperty("existing_lead_email", out var email))
        {
            var leadId = Guid.CreateVersion7().ToString();
            var created = await harness.Grains.GetGrain<ILeadGrain>(leadId).CreateAsync(new NewLead("Existing Person", Fill(email.GetString()!, values)), Actor.System);
            Assert.True(created.IsSuccess);
            values["existing_lead"] = leadId;
        }

        if (setup.TryGetProperty("own_ticket", out var own))
        {
            values["own_ticket"] = (await harness.NewTicketAsync(account!.Id, own.GetString()!)).Number;
        }

        if (setup.TryGetProperty("other_ticket", out var other))
        {
            var stranger = await harness.NewUserAsync(UserRole.Client, "Other Client");
            values["other_ticket"] = (await harness.NewTicketAsync(stranger.Id, other.GetString()!)).Number;
        }

        if (setup.TryGetProperty("meetings", out var meetings))
        {
            var i = 0;
            foreach (var m in meetings.EnumerateArray())
            {
                var start = DateTime.Parse(m.GetProperty("start").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
                var meeting = await harness.NewMeetingAsync(owner, start, m.GetProperty("title").GetString()!, new ParticipantInput(ParticipantKind.User, account!.Id));
                values["meeting" + i++] = meeting.Id;
            }
        }

        if (setup.TryGetProperty("owner_busy", out var busy))
        {
            var start = DateTime.Parse(busy.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            await harness.NewMeetingAsync(owner, start, "Owner is busy");
        }
    }

    private static async Task<string?> CheckOutcomeAsync(
        DialogueHarness harness, JsonElement expect, List<DialogueAction> actions, DialogueState state, UserDto? account, Dictionary<string, string> values)
    {
        var expectedActions = expect.GetProperty("actions").EnumerateArray().Select(a => a.GetString()!).ToList();
        var actual = actions.Select(a => a.Type).ToList();
        if (!expectedActions.SequenceEqual(actual))
        {
            return $"actions [{string.Join(", ", actual)}], expected [{string.Join(", ", expectedActions)}]";
        }

        var handoff = expect.TryGetProperty("handoff", out var h) && h.GetBoolean();
        if (state.HandoffRequested != handoff)
        {
            return $"handoff requested {state.HandoffRequested}, expected {handoff}";
        }

        var leadAction = actions.FirstOrDefault(a => a.Type is DialogueActions.LeadCreated);
        if (expect.TryGetProperty("lead", out var leadExpect))
        {
            var lead = await harness.Grains.GetGrain<ILeadGrain>(leadAction!.Id).GetAsync();
            if (Mismatch("lead", leadExpect, values, ("name", lead!.Name), ("email", lead.Email), ("company", lead.Company),
                    ("source", Snake(lead.Source)), ("id", lead.Id)) is { } problem)
            {
                return problem;
            }
        }

        if (expect.TryGetProperty("ticket", out var ticketExpect))
        {
            var ticketId = actions.First(a => a.Type == DialogueActions.TicketCreated).Id;
            var ticket = await harness.Grains.GetGrain<ITicketGrain>(ticketId).GetAsync(Actor.System);
            if (ticket!.RequesterId != account?.Id)
            {
                return $"ticket requester {ticket.RequesterId}, expected the chatting user";
            }

            if (Mismatch("ticket", ticketExpect, values, ("subject", ticket.Subject), ("priority", Snake(ticket.Priority))) is { } problem)
            {
                return problem;
            }
        }

        if (expect.TryGetProperty("meeting", out var meetingExpect))
        {
            var meetingId = actions.First(a => a.Type is DialogueActions.MeetingBooked).Id;
            var meeting = (await harness.Grains.GetGrain<IMeetingGrain>(meetingId).GetAsync())!;
            var others = meeting.Participants.Where(p => !p.IsOrganizer).ToList();
            var participant = others.Count == 1 ? others[0] : null;
            var who = participant is null ? "none"
                : participant.Kind == ParticipantKind.Lead && participant.LeadId == leadAction?.Id ? "lead"
                : participant.Kind == ParticipantKind.User && participant.UserId == account?.Id ? "user"
                : "other";
            if (Mismatch("meeting", meetingExpect, values,
                    ("start", meeting.Date.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
                    ("duration_minutes", meeting.DurationMinutes.ToString(CultureInfo.InvariantCulture)),
                    ("participant", who),
                    ("lead_id", meeting.LeadId is null ? "none" : meeting.LeadId == leadAction?.Id ? "lead" : "other"),
                    ("time_zone", meeting.TimeZone)) is { } problem)
            {
                return problem;
            }
        }

        if (expect.TryGetProperty("cancelled", out var cancelled))
        {
            var meetingId = Fill(cancelled.GetString()!, values);
            var meeting = await harness.Grains.GetGrain<IMeetingGrain>(meetingId).GetAsync();
            if (meeting!.Status != MeetingStatus.Cancelled || actions.First(a => a.Type == DialogueActions.MeetingCancelled).Id != meetingId)
            {
                return $"meeting {meetingId} is {meeting.Status}, expected cancelled by the dialogue";
            }
        }

        return null;
    }

    private static string? Mismatch(string entity, JsonElement expected, Dictionary<string, string> values, params (string Field, string? Actual)[] actual)
    {
        foreach (var property in expected.EnumerateObject())
        {
            var want = Fill(property.Value.GetString()!, values);
            var (_, got) = actual.FirstOrDefault(a => a.Field == property.Name);
            if (!string.Equals(want, got, StringComparison.Ordinal))
            {
                return $"{entity}.{property.Name} is \"{got}\", expected \"{want}\"";
            }
        }

        return null;
    }

    private static string Fill(string text, Dictionary<string, string> values)
    {
        foreach (var (key, value) in values)
        {
            text = text.Replace("{" + key + "}", value, StringComparison.Ordinal);
        }

        return text;
    }

    private static string Snake<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
