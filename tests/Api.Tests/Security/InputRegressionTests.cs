using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmChatbot.Api.Meetings;
using CrmChatbot.Common;
using CrmChatbot.Meetings;

namespace CrmChatbot.Api.Tests.Security;

/// <summary>The reproductions of issue 12's input findings (items 6-10, 13, 20), each with the behaviour it must have now.</summary>
[Collection(SqliteApiCollection.Name)]
public sealed class InputRegressionTests(SqliteApiFixture fixture)
{
    private static ByteArrayContent Raw(string json) => Raw(Encoding.UTF8.GetBytes(json));

    private static ByteArrayContent Raw(byte[] json)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new("application/json");
        return content;
    }

    private static async Task<JsonElement> NamesAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var problem = await ProblemAssert.IsProblemAsync(response, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} not named: {problem}");
        return problem;
    }

    [Theory]
    [InlineData("/api/auth/register", "{\"email\":\"x@crm.test\",\"password\":\"long-enough-1\",\"name\":\"\\ud800\"}", "name")]
    [InlineData("/api/auth/login", "{\"email\":\"\\udc00@crm.test\",\"password\":\"x\"}", "email")]
    [InlineData("/api/leads", "{\"name\":\"ok\",\"notes\":\"a\\ud800b\"}", "notes")]
    [InlineData("/api/leads", "{\"name\":\"ok\",\"\\ud800\":1}", "(field name)")]
    [InlineData("/api/meetings", "{\"title\":\"t\",\"date\":\"2030-01-01T10:00:00Z\",\"participants\":[{\"email\":\"\\ud800\"}]}", "participants[0].email")]
    public async Task A_lone_surrogate_escape_in_any_string_is_400_naming_the_field(string path, string json, string field)
    {
        using var admin = fixture.Admin();
        await NamesAsync(await admin.PostAsync(path, Raw(json)), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Invalid_utf8_in_a_string_is_400_naming_the_field_in_create_patch_comment_and_chat()
    {
        using var admin = fixture.Admin();
        byte[] Body(string field) => [.. Encoding.UTF8.GetBytes($"{{\"{field}\":\"a"), 0xFF, 0xC3, 0x28, .. "\"}"u8];

        await NamesAsync(await admin.PostAsync("/api/leads", Raw(Body("name"))), HttpStatusCode.BadRequest, "name");
        var lead = await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync("/api/leads", new { name = "Utf8 Lead" }), HttpStatusCode.Created);
        var leadId = lead.GetProperty("id").GetString();
        await NamesAsync(await admin.PatchAsync($"/api/leads/{leadId}", Raw(Body("company"))), HttpStatusCode.BadRequest, "company");

        var ticket = await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync("/api/tickets", new { subject = "Utf8" }), HttpStatusCode.Created);
        var ticketId = ticket.GetProperty("id").GetString();
        await NamesAsync(await admin.PostAsync($"/api/tickets/{ticketId}/comments", Raw(Body("body"))), HttpStatusCode.BadRequest, "body");

        using var visitor = fixture.Anonymous();
        var session = await ProblemAssert.JsonAsync(await visitor.PostAsJsonAsync("/api/chat/sessions", new { }), HttpStatusCode.Created);
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/chat/sessions/{session.GetProperty("id").GetString()}/messages") { Content = Raw(Body("text")) };
        message.Headers.Add("X-Chat-Token", session.GetProperty("session_token").GetString());
        await NamesAsync(await visitor.SendAsync(message), HttpStatusCode.BadRequest, "text");

        // Nothing was changed by the refused patch.
        var after = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/leads/{leadId}"), HttpStatusCode.OK);
        Assert.Equal(lead.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData("/api/leads", "name", "a\u0000b")]
    [InlineData("/api/leads", "name", "Bob\u202Etxt.exe")]
    [InlineData("/api/leads", "company", "line\nbreak")]
    [InlineData("/api/leads", "notes", "a\u0000b")]
    [InlineData("/api/leads", "notes", "evil\u2066isolate")]
    [InlineData("/api/tickets", "subject", "tab\there")]
    [InlineData("/api/campaigns", "name", "\u0007bell")]
    public async Task Control_and_bidi_override_characters_in_text_fields_are_422(string path, string field, string value)
    {
        using var admin = fixture.Admin();
        var body = new Dictionary<string, object> { [field] = value };
        var required = path switch { "/api/tickets" => "subject", "/api/campaigns" => "name", _ => "name" };
        if (field != required)
        {
            body[required] = "Fine";
        }

        if (path == "/api/campaigns")
        {
            body["type"] = "email";
        }

        await NamesAsync(await admin.PostAsJsonAsync(path, body), HttpStatusCode.UnprocessableEntity, field);
    }

    [Fact]
    public async Task Multi_line_fields_keep_newlines_and_tabs()
    {
        using var admin = fixture.Admin();
        var lead = await ProblemAssert.JsonAsync(
            await admin.PostAsJsonAsync("/api/leads", new { name = "Multi Line", notes = "first\r\n\tsecond" }), HttpStatusCode.Created);
        Assert.Equal("first\r\n\tsecond", lead.GetProperty("notes").GetString());
        var ticket = await ProblemAssert.JsonAsync(
            await admin.PostAsJsonAsync("/api/tickets", new { subject = "Subject", description = "a\nb" }), HttpStatusCode.Created);
        await ProblemAssert.NamesFieldsAsync(
            await admin.PostAsJsonAsync($"/api/tickets/{ticket.GetProperty("id").GetString()}/comments", new { body = "nul\u0000" }), "body");
        await ProblemAssert.JsonAsync(
            await admin.PostAsJsonAsync($"/api/tickets/{ticket.GetProperty("id").GetString()}/comments", new { body = "ok\nfine" }), HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_chat_message_with_a_nul_is_422_and_is_not_stored()
    {
        using var visitor = fixture.Anonymous();
        var session = await ProblemAssert.JsonAsync(await visitor.PostAsJsonAsync("/api/chat/sessions", new { }), HttpStatusCode.Created);
        var id = session.GetProperty("id").GetString();
        visitor.DefaultRequestHeaders.Add("X-Chat-Token", session.GetProperty("session_token").GetString());

        await ProblemAssert.NamesFieldsAsync(await visitor.PostAsJsonAsync($"/api/chat/sessions/{id}/messages", new { text = "hi\u0000there" }), "text");
        var after = await ProblemAssert.JsonAsync(await visitor.GetAsync($"/api/chat/sessions/{id}"), HttpStatusCode.OK);
        Assert.Equal(session.GetProperty("messages").GetArrayLength(), after.GetProperty("messages").GetArrayLength());
    }

    [Theory]
    [InlineData("America")]
    [InlineData("America/Argentina")]
    [InlineData("Etc")]
    public async Task A_zoneinfo_directory_as_meeting_time_zone_is_422(string zone)
    {
        using var agent = fixture.Agent();
        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsJsonAsync("/api/meetings", new { title = "Zone", date = "2030-05-01T10:00:00Z", time_zone = zone }), "time_zone");
    }

    [Theory]
    [InlineData("9999-12-31T23:50:00Z", "date")]
    [InlineData("0001-01-01T00:00:00Z", "date")]
    [InlineData("2201-01-01T00:00:00Z", "date")]
    [InlineData("1999-12-31T23:59:00Z", "date")]
    public async Task A_meeting_date_outside_2000_to_2200_is_422_with_the_range(string date, string field)
    {
        using var agent = fixture.Agent();
        var problem = await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/meetings", new { title = "Far", date }), field);
        Assert.Contains("2000-01-01 to 2200-12-31", problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dates_outside_the_range_are_422_in_meeting_ends_campaigns_and_queries()
    {
        using var admin = fixture.Admin();
        await ProblemAssert.NamesFieldsAsync(
            await admin.PostAsJsonAsync("/api/meetings", new { title = "End", date = "2200-12-31T23:50:00Z", end = "9999-12-31T23:59:00Z" }), "end");
        await ProblemAssert.NamesFieldsAsync(
            await admin.PostAsJsonAsync("/api/campaigns", new { name = "Far", type = "email", start_date = "9999-12-31" }), "start_date");
        await ProblemAssert.NamesFieldsAsync(
            await admin.PostAsJsonAsync("/api/campaigns", new { name = "Far", type = "email", end_date = "0001-01-01" }), "end_date");
        await ProblemAssert.NamesFieldsAsync(await admin.GetAsync("/api/meetings?from=9999-12-31T23:50:00Z"), "from");
        await ProblemAssert.NamesFieldsAsync(await admin.GetAsync("/api/meetings?to=0001-01-01T00:00:00Z"), "to");
        await ProblemAssert.NamesFieldsAsync(await admin.GetAsync("/api/campaigns?active_on=9999-12-31"), "active_on");
    }

    [Theory]
    [InlineData("https://meet.example.com/x\r\nBEGIN:VEVENT")]
    [InlineData("https://meet.example.com/\u0000")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/relative/path")]
    public async Task A_meeting_url_with_control_characters_or_not_absolute_http_is_422(string url)
    {
        using var agent = fixture.Agent();
        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsJsonAsync("/api/meetings", new { title = "Url", date = "2030-05-02T10:00:00Z", meeting_url = url }), "meeting_url");
    }

    [Fact]
    public void The_ics_writer_never_lets_a_stored_value_start_a_new_line_or_property()
    {
        var start = new DateTime(2030, 3, 4, 9, 30, 0, DateTimeKind.Utc);
        var meeting = new MeetingDto(
            "m1", "Title\r\nBEGIN:VEVENT", start, start.AddMinutes(30), 30, null, "Room; 1, \"A\"", "https://x.example/a\r\nBEGIN:VEVENT\r\nX:1", MeetingStatus.Scheduled,
            [new ParticipantDto(ParticipantKind.Email, null, null, "a@b.c\r\nATTENDEE:mailto:evil@x", null, ParticipantResponse.NeedsAction, true)],
            "notes\r\nEND:VEVENT\r\nBEGIN:VEVENT" + string.Concat(Enumerable.Repeat("😀é", 60)), null, null, "u1", null, start, start, 3);

        var ics = MeetingCalendarFile.Build(meeting);

        Assert.Single(ics.Split("\r\n"), line => line == "BEGIN:VEVENT");
        Assert.DoesNotContain(ics.Split("\r\n"), line => line.StartsWith("ATTENDEE:mailto:evil", StringComparison.Ordinal));
        Assert.DoesNotContain(ics.Split("\r\n"), line => line.StartsWith("X:1", StringComparison.Ordinal));
        Assert.Contains("URL:https://x.example/aBEGIN:VEVENTX:1", ics.Replace("\r\n ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.All(ics.Split("\r\n"), line => Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, line));
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(ics))); // folding never split a character
    }

    [Fact]
    public async Task A_client_participant_gets_the_client_view_of_a_meeting_in_get_list_respond_and_ics()
    {
        var (clientId, clientToken) = await fixture.Factory.CreateUserAsync("client");
        using var agent = fixture.Agent();
        using var client = fixture.Factory.ClientWithToken(clientToken);
        var lead = await ProblemAssert.JsonAsync(
            await agent.PostAsJsonAsync("/api/leads", new { name = "View Lead", email = $"view-{Guid.NewGuid():N}@crm.test" }), HttpStatusCode.Created);
        var leadId = lead.GetProperty("id").GetString()!;
        var ticket = await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync("/api/tickets", new { subject = "View" }), HttpStatusCode.Created);
        var meeting = await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync("/api/meetings?force=true", new
        {
            title = "Client view",
            date = "2030-06-01T10:00:00Z",
            location = "Room 7",
            meeting_url = "https://meet.example.com/v",
            notes = "Internal: discount at most 5%",
            lead_id = leadId,
            ticket_id = ticket.GetProperty("id").GetString(),
            participants = new object[] { new { user_id = clientId }, new { lead_id = leadId }, "other-guest@example.com" },
        }), HttpStatusCode.Created);
        var id = meeting.GetProperty("id").GetString()!;
        Assert.Equal("Internal: discount at most 5%", meeting.GetProperty("notes").GetString()); // staff see it

        void AssertClientView(JsonElement seen)
        {
            Assert.Equal("Client view", seen.GetProperty("title").GetString());
            Assert.Equal("Room 7", seen.GetProperty("location").GetString());
            Assert.Equal("https://meet.example.com/v", seen.GetProperty("meeting_url").GetString());
            Assert.Equal(JsonValueKind.Null, seen.GetProperty("notes").ValueKind);
            Assert.Equal(JsonValueKind.Null, seen.GetProperty("lead_id").ValueKind);
            Assert.Equal(JsonValueKind.Null, seen.GetProperty("ticket_id").ValueKind);
            var participants = seen.GetProperty("participants").EnumerateArray().ToList();
            Assert.Equal(2, participants.Count);
            var organizer = Assert.Single(participants, p => p.GetProperty("is_organizer").GetBoolean());
            Assert.Equal("Test agent", organizer.GetProperty("name").GetString());
            Assert.Equal(JsonValueKind.Null, organizer.GetProperty("email").ValueKind);
            Assert.Single(participants, p => p.GetProperty("user_id").GetString() == clientId);
            Assert.DoesNotContain("other-guest@example.com", seen.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain(leadId, seen.GetRawText(), StringComparison.Ordinal);
        }

        AssertClientView(await ProblemAssert.JsonAsync(await client.GetAsync($"/api/meetings/{id}"), HttpStatusCode.OK));
        var list = await ProblemAssert.JsonAsync(await client.GetAsync("/api/meetings"), HttpStatusCode.OK);
        AssertClientView(Assert.Single(list.GetProperty("items").EnumerateArray(), m => m.GetProperty("id").GetString() == id));
        var answered = await ProblemAssert.JsonAsync(
            await client.PostAsJsonAsync($"/api/meetings/{id}/respond", new { response = "accepted" }), HttpStatusCode.OK);
        AssertClientView(answered);
        Assert.Equal("accepted", answered.GetProperty("participants").EnumerateArray()
            .Single(p => p.GetProperty("user_id").GetString() == clientId).GetProperty("response").GetString());

        var ics = await client.GetStringAsync($"/api/meetings/{id}/ics");
        Assert.DoesNotContain("DESCRIPTION", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("discount", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("other-guest@example.com", ics, StringComparison.Ordinal);
        Assert.DoesNotContain(leadId, ics, StringComparison.Ordinal);
        Assert.Contains("LOCATION:Room 7", ics, StringComparison.Ordinal);

        var staffIcs = await agent.GetStringAsync($"/api/meetings/{id}/ics");
        Assert.Contains("DESCRIPTION:Internal: discount at most 5%", staffIcs, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/leads?q=%01")]
    [InlineData("/api/tickets?q=a%00b")]
    [InlineData("/api/meetings?q=%E2%80%AE")]
    [InlineData("/api/campaigns?q=%0D%0A")]
    [InlineData("/api/users?q=%7F")]
    public async Task Control_characters_in_a_query_string_are_422_naming_the_parameter(string url)
    {
        using var admin = fixture.Admin();
        await ProblemAssert.NamesFieldsAsync(await admin.GetAsync(url), "q");
    }

    [Fact]
    public async Task An_oauth2_form_login_with_a_control_character_or_invalid_utf8_is_a_4xx()
    {
        using var anonymous = fixture.Anonymous();
        using var nul = new FormUrlEncodedContent([new("username", "admin\u0000@crm.test"), new("password", "x")]);
        var refused = await anonymous.PostAsync("/api/auth/login", nul);
        Assert.True(refused.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, refused.StatusCode.ToString());
        await ProblemAssert.IsProblemAsync(refused, refused.StatusCode);

        var broken = new ByteArrayContent("username=%FF%FE%ED%A0%80&password=%C0%AF"u8.ToArray());
        broken.Headers.ContentType = new("application/x-www-form-urlencoded");
        var response = await anonymous.PostAsync("/api/auth/login", broken);
        Assert.InRange((int)response.StatusCode, 400, 499);
    }

    [Theory]
    [InlineData("application/xml", null)]
    [InlineData("text/calendar", "client")]
    public async Task A_refusal_for_a_request_that_does_not_accept_json_is_still_a_problem_not_a_500(string accept, string? role)
    {
        using var http = role is null ? fixture.Anonymous() : fixture.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/leads");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        var response = await http.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, role is null ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("a\u0000b", false, true)]
    [InlineData("a\nb", false, true)]
    [InlineData("a\nb\tc\r\n", true, false)]
    [InlineData("a\u0085b", true, true)]
    [InlineData("a\u202Eb", true, true)]
    [InlineData("a\u2067b", true, true)]
    [InlineData("a\u2028b", false, true)]
    [InlineData("a\u2028b", true, false)]
    [InlineData("\u200F\u05E9\u05DC\u05D5\u05DD", false, false)] // RLM + Hebrew
    [InlineData("👩‍💻 漢字", false, false)]
    public void The_text_rule_refuses_control_bidi_override_and_lone_surrogates(string text, bool multiLine, bool refused)
    {
        Assert.Equal(refused, TextRules.FindForbidden(text, multiLine) is not null);
    }

    [Fact]
    public void The_text_rule_refuses_a_lone_surrogate_and_keeps_a_pair()
    {
        Assert.NotNull(TextRules.FindForbidden("a" + '\uD800' + "b", multiLine: true));
        Assert.NotNull(TextRules.FindForbidden("a" + '\uDC00', multiLine: true));
        Assert.Null(TextRules.FindForbidden("a" + char.ConvertFromUtf32(0x1F600), multiLine: false));
    }
}
