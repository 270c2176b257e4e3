using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;

namespace CrmChatbot.Api.Tests.Chat;

/// <summary>
/// Security review #12 through the real service: item 1 (a visitor typing another contact's email or phone must not
/// take over that lead, its meetings or their cancellation) and item 5 (anonymous chat limits).
/// </summary>
[Collection(SqliteApiCollection.Name)]
public sealed class ChatAbuseTests(SqliteApiFixture fixture)
{
    private const string VictimMeetingTitle = "Victim roadmap review";

    /// <summary>Letters only, so the assistant reads it as part of a name.</summary>
    private static string Tag() => string.Concat(Enumerable.Range(0, 8).Select(_ => (char)('a' + Random.Shared.Next(26))));

    private static string Phone() => "+1555" + Random.Shared.Next(1_000_000, 9_999_999);

    /// <summary>A day and hour nobody else books (the assistant books into the first admin's calendar).</summary>
    private static string FreeSlot() => $"on {Random.Shared.Next(1, 28)} {(Random.Shared.Next(2) == 0 ? "March" : "October")} {2031 + Random.Shared.Next(0, 20)} at {Random.Shared.Next(8, 18)}:00";

    private sealed record Conversation(string Id, string Token, List<string> Bodies, List<JsonElement> Actions)
    {
        public string Transcript => string.Join("\n", Bodies);
    }

    private static async Task<JsonElement> SayAsync(HttpClient http, Conversation chat, string text)
    {
        var response = await ChatApi.SendAsync(http, chat.Id, chat.Token, text);
        chat.Bodies.Add(text + " => " + await response.Content.ReadAsStringAsync());
        var reply = await ProblemAssert.JsonAsync(response, HttpStatusCode.OK);
        chat.Actions.AddRange(reply.GetProperty("actions").EnumerateArray());
        return reply;
    }

    private static async Task<Conversation> StartAsync(HttpClient http)
    {
        var (id, token, _) = await ChatApi.StartAsync(http);
        return new Conversation(id, token!, [], []);
    }

    private async Task<(string LeadId, string MeetingId, string Email, string Phone)> VictimAsync()
    {
        using var admin = fixture.Admin();
        var email = $"victim.{Tag()}@example.com";
        var phone = Phone();
        var lead = await ProblemAssert.JsonAsync(
            await admin.PostAsJsonAsync("/api/leads", new { name = "Victoria Victim", email, phone, company = "Victim Inc" }), HttpStatusCode.Created);
        var leadId = lead.GetProperty("id").GetString()!;
        var meeting = await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync("/api/meetings?force=true", new
        {
            title = VictimMeetingTitle,
            date = new DateTime(2032 + Random.Shared.Next(0, 20), 5, Random.Shared.Next(1, 28), Random.Shared.Next(8, 18), 0, 0, DateTimeKind.Utc),
            duration_minutes = 30,
            participants = new object[] { new { lead_id = leadId } },
            lead_id = leadId,
        }), HttpStatusCode.Created);
        return (leadId, meeting.GetProperty("id").GetString()!, email, phone);
    }

    private async Task<string> MeetingStatusAsync(string meetingId)
    {
        using var admin = fixture.Admin();
        return (await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/meetings/{meetingId}"), HttpStatusCode.OK)).GetProperty("status").GetString()!;
    }

    [Theory]
    [InlineData("email")]
    [InlineData("phone")]
    public async Task Typing_another_leads_contact_gives_no_access_to_it_and_staff_see_the_interest(string matched)
    {
        var victim = await VictimAsync();
        var name = "Mallory " + char.ToUpperInvariant(Tag()[0]) + Tag();
        using var visitor = fixture.Anonymous();
        var chat = await StartAsync(visitor);
        var contact = matched == "email" ? victim.Email : $"mallory.{Tag()}@evil.example, my phone is {victim.Phone}";

        foreach (var text in new[] { "I'd like to talk to sales", name, contact, "Evil Corp", "pricing", "yes" })
        {
            await SayAsync(visitor, chat, text);
        }

        var lead = Assert.Single(chat.Actions);
        Assert.Equal("lead_created", lead.GetProperty("type").GetString());
        Assert.NotEqual(victim.LeadId, lead.GetProperty("id").GetString());
        Assert.Contains("passed it on", chat.Bodies[^1], StringComparison.Ordinal);

        var listed = await SayAsync(visitor, chat, "show my meetings");
        Assert.DoesNotContain(VictimMeetingTitle, listed.GetProperty("reply").GetString(), StringComparison.Ordinal);
        await SayAsync(visitor, chat, "cancel my next meeting");
        await SayAsync(visitor, chat, "yes");

        Assert.DoesNotContain(victim.LeadId, chat.Transcript, StringComparison.Ordinal);
        Assert.DoesNotContain(victim.MeetingId, chat.Transcript, StringComparison.Ordinal);
        Assert.DoesNotContain("lead_exists", chat.Transcript, StringComparison.Ordinal);
        Assert.DoesNotContain(VictimMeetingTitle, chat.Transcript, StringComparison.Ordinal);
        Assert.DoesNotContain(chat.Actions, a => a.GetProperty("type").GetString() == "meeting_cancelled");
        Assert.Equal("scheduled", await MeetingStatusAsync(victim.MeetingId));
        var session = await ProblemAssert.JsonAsync(await ChatApi.GetAsync(visitor, chat.Id, chat.Token), HttpStatusCode.OK);
        Assert.DoesNotContain(victim.LeadId, session.GetRawText(), StringComparison.Ordinal);

        // Staff find the visitor's interest: a new chatbot lead flagged as a possible duplicate of the victim's.
        using var admin = fixture.Admin();
        var found = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/leads?q={Uri.EscapeDataString(name)}"), HttpStatusCode.OK);
        var flagged = Assert.Single(found.GetProperty("items").EnumerateArray());
        Assert.Equal(lead.GetProperty("id").GetString(), flagged.GetProperty("id").GetString());
        Assert.Equal("chatbot", flagged.GetProperty("source").GetString());
        Assert.StartsWith($"Possible duplicate of lead {victim.LeadId} (same {matched})", flagged.GetProperty("notes").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_visitor_lists_and_cancels_the_meeting_their_session_booked_and_books_no_second_one()
    {
        using var visitor = fixture.Anonymous();
        var chat = await StartAsync(visitor);
        var name = "Grace " + char.ToUpperInvariant(Tag()[0]) + Tag();
        foreach (var text in new[] { "Can we schedule a call " + FreeSlot() + "?", name, $"grace.{Tag()}@navy.example", "yes" })
        {
            await SayAsync(visitor, chat, text);
        }

        Assert.Equal(["lead_created", "meeting_booked"], chat.Actions.Select(a => a.GetProperty("type").GetString()));
        var meetingId = chat.Actions[1].GetProperty("id").GetString()!;

        var again = await SayAsync(visitor, chat, "Can we schedule another call " + FreeSlot() + "?");
        Assert.Contains("already have a meeting booked", again.GetProperty("reply").GetString(), StringComparison.Ordinal);
        var moreSales = await SayAsync(visitor, chat, "I'd like to talk to sales");
        Assert.Contains("already passed your details on", moreSales.GetProperty("reply").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, chat.Actions.Count);

        var listed = await SayAsync(visitor, chat, "show my meetings");
        Assert.Contains("Meeting with", listed.GetProperty("reply").GetString(), StringComparison.Ordinal);
        await SayAsync(visitor, chat, "cancel my next meeting");
        await SayAsync(visitor, chat, "yes");

        Assert.Equal("meeting_cancelled", chat.Actions[^1].GetProperty("type").GetString());
        Assert.Equal(meetingId, chat.Actions[^1].GetProperty("id").GetString());
        Assert.Equal("cancelled", await MeetingStatusAsync(meetingId));
        using var admin = fixture.Admin();
        var leads = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/leads?q={Uri.EscapeDataString(name)}"), HttpStatusCode.OK);
        Assert.Equal(1, leads.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_signed_in_client_still_lists_and_cancels_their_own_meetings()
    {
        var (clientId, clientToken) = await fixture.Factory.CreateUserAsync("client");
        using var admin = fixture.Admin();
        var meeting = await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync("/api/meetings?force=true", new
        {
            title = "Casey quarterly review",
            date = new DateTime(2033 + Random.Shared.Next(0, 20), 6, Random.Shared.Next(1, 28), Random.Shared.Next(8, 18), 0, 0, DateTimeKind.Utc),
            participants = new object[] { new { user_id = clientId } },
        }), HttpStatusCode.Created);
        using var client = fixture.Factory.ClientWithToken(clientToken);
        var (id, _, _) = await ChatApi.StartAsync(client);
        var chat = new Conversation(id, null!, [], []);

        var listed = await SayAsync(client, chat, "show my meetings");
        Assert.Contains("Casey quarterly review", listed.GetProperty("reply").GetString(), StringComparison.Ordinal);
        await SayAsync(client, chat, "cancel my next meeting");
        await SayAsync(client, chat, "yes");

        Assert.Equal(meeting.GetProperty("id").GetString(), Assert.Single(chat.Actions).GetProperty("id").GetString());
        Assert.Equal("cancelled", await MeetingStatusAsync(meeting.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task Starting_too_many_sessions_from_one_address_or_sending_too_fast_is_429_with_retry_after()
    {
        using var factory = new CrmApiFactory();
        using var limited = factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("CHAT_SESSIONS_PER_HOUR_PER_ADDRESS", "2");
            builder.UseSetting("CHAT_MESSAGES_PER_MINUTE", "3");
        });
        using var http = limited.CreateClient();

        var (id, token, _) = await ChatApi.StartAsync(http);
        await ChatApi.StartAsync(http);
        var refused = await http.PostAsync("/api/chat/sessions", null);

        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Contains("per hour", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 3600);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ChatApi.SendAsync(http, id, token, "hello")).StatusCode);
        }

        var tooFast = await ChatApi.SendAsync(http, id, token, "hello again");
        await ProblemAssert.IsProblemAsync(tooFast, HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(tooFast.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        var session = await ProblemAssert.JsonAsync(await ChatApi.GetAsync(http, id, token), HttpStatusCode.OK);
        Assert.DoesNotContain(session.GetProperty("messages").EnumerateArray(), m => m.GetProperty("text").GetString() == "hello again");
    }
}
