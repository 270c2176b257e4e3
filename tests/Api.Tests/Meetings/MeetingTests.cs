using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrmChatbot.Api.Tests.Meetings;

public abstract class MeetingTests(ApiFixture fixture)
{
    private static int _day;

    /// <summary>10:00 UTC on a day no other test uses, so bookings of shared users never collide by accident.</summary>
    private static DateTime NewDay() => new DateTime(2031, 1, 1, 10, 0, 0, DateTimeKind.Utc).AddDays(Interlocked.Increment(ref _day));

    private static string Iso(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task<JsonElement> CreateAsync(HttpClient http, object body, string query = "") =>
        await ProblemAssert.JsonAsync(await http.PostAsJsonAsync("/api/meetings" + query, body), HttpStatusCode.Created);

    private static string Id(JsonElement meeting) => meeting.GetProperty("id").GetString()!;

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string url, object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(ifMatch));
        }

        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Create_returns_201_with_utc_times_defaults_organizer_and_etag()
    {
        using var agent = fixture.Agent();
        var day = NewDay();
        var local = day.AddHours(2).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "+02:00";

        var response = await agent.PostAsJsonAsync("/api/meetings", new
        {
            title = "Intro call", date = local, time_zone = "Europe/Berlin", meeting_url = "https://meet.example.com/intro",
            participants = new object[] { "Guest@Example.com" }, notes = "Bring slides",
        });

        var meeting = await ProblemAssert.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal($"/api/meetings/{Id(meeting)}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal(Iso(day), meeting.GetProperty("date").GetString()![..19] + "Z");
        Assert.EndsWith("Z", meeting.GetProperty("date").GetString(), StringComparison.Ordinal);
        Assert.Equal(day.AddMinutes(30), meeting.GetProperty("end").GetDateTime().ToUniversalTime());
        Assert.Equal(30, meeting.GetProperty("duration_minutes").GetInt32());
        Assert.Equal("scheduled", meeting.GetProperty("status").GetString());
        Assert.Equal("Europe/Berlin", meeting.GetProperty("time_zone").GetString());
        Assert.Equal(fixture.AgentId, meeting.GetProperty("organizer_id").GetString());
        var participants = meeting.GetProperty("participants").EnumerateArray().ToList();
        Assert.Equal(2, participants.Count);
        Assert.Equal(fixture.AgentId, participants[0].GetProperty("user_id").GetString());
        Assert.Equal("accepted", participants[0].GetProperty("response").GetString());
        Assert.True(participants[0].GetProperty("is_organizer").GetBoolean());
        Assert.Equal("guest@example.com", participants[1].GetProperty("email").GetString());
        Assert.Equal("needs_action", participants[1].GetProperty("response").GetString());

        var read = await agent.GetAsync($"/api/meetings/{Id(meeting)}");
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        Assert.Equal(meeting.ToString(), (await ProblemAssert.JsonAsync(read, HttpStatusCode.OK)).ToString());
    }

    [Fact]
    public async Task A_date_without_a_zone_is_read_in_the_bodys_time_zone_or_as_utc_as_the_original_api_stored_it()
    {
        using var agent = fixture.Agent();
        var day = NewDay(); // 10:00 UTC in January
        var naive = day.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

        var utc = await CreateAsync(agent, new { title = "naive, utc", date = naive });
        Assert.Equal(day, utc.GetProperty("date").GetDateTime().ToUniversalTime());

        // Python's isoformat() with microseconds, in the meeting's zone (Oslo is UTC+1 in January).
        var oslo = await CreateAsync(agent, new { title = "naive, oslo", date = naive + ".250000", time_zone = "Europe/Oslo", duration_minutes = 15 });
        Assert.Equal(day.AddHours(-1).AddMilliseconds(250), oslo.GetProperty("date").GetDateTime().ToUniversalTime());

        // A wall-clock time the zone skips (02:30 on the night clocks go forward) names no instant.
        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date = "2031-03-30T02:30:00", time_zone = "Europe/Oslo" }), "date");
    }

    [Fact]
    public async Task Validation_names_each_field()
    {
        using var agent = fixture.Agent();
        var date = Iso(NewDay());

        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/meetings", new { notes = "x" }), "date", "title");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date = "2031-01-01" }), "date");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date = 5 }), "date");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date, duration_minutes = 4 }), "duration_minutes");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date, duration_minutes = "30" }), "duration_minutes");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date, end = date }), "end");
        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date, end = Iso(DateTime.Parse(date, CultureInfo.InvariantCulture).ToUniversalTime().AddHours(1)), duration_minutes = 30 }),
            "duration_minutes");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date, time_zone = "Mars/Base" }), "time_zone");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date, meeting_url = "ftp://x.example.com" }), "meeting_url");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date, status = "postponed" }), "status");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date, version = 3, colour = "red" }), "colour", "version");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date, participants = "a@b.c" }), "participants");
        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date, participants = new object[] { new { user_id = "u" }, 7, new { name = "x" }, new { email = 3 } } }),
            "participants[1]", "participants[2]", "participants[3].email");
        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date, participants = new object[] { new { user_id = "nobody" }, new { email = "not-an-email" }, new { lead_id = "nolead" } } }),
            "participants[0].user_id", "participants[1].email", "participants[2].lead_id");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/meetings", new { title = "t", date, lead_id = "missing-lead", ticket_id = "missing-ticket" }), "lead_id", "ticket_id");
        await ProblemAssert.NamesFieldsAsync(await agent.PostAsJsonAsync("/api/meetings?force=maybe", new { title = "t", date }), "force");
    }

    [Fact]
    public async Task Status_follows_the_workflow_and_refusals_name_the_allowed_statuses()
    {
        using var agent = fixture.Agent();
        var id = Id(await CreateAsync(agent, new { title = "Workflow", date = Iso(NewDay()) }));

        var cancelled = await ProblemAssert.JsonAsync(await agent.PatchAsJsonAsync($"/api/meetings/{id}", new { status = "cancelled" }), HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        var refused = await ProblemAssert.IsProblemAsync(await agent.PatchAsJsonAsync($"/api/meetings/{id}", new { status = "completed" }), HttpStatusCode.Conflict);
        Assert.Contains("allowed: scheduled", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await ProblemAssert.JsonAsync(await agent.PatchAsJsonAsync($"/api/meetings/{id}", new { status = "scheduled" }), HttpStatusCode.OK);
        await ProblemAssert.JsonAsync(await agent.PatchAsJsonAsync($"/api/meetings/{id}", new { status = "completed" }), HttpStatusCode.OK);
        var final = await ProblemAssert.IsProblemAsync(await agent.PatchAsJsonAsync($"/api/meetings/{id}", new { status = "scheduled" }), HttpStatusCode.Conflict);
        Assert.Contains("allowed: none", final.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overlapping_bookings_of_a_user_are_409_with_conflicts_back_to_back_is_fine_and_force_books_anyway()
    {
        var (userId, _) = await fixture.Factory.CreateUserAsync("agent");
        using var admin = fixture.Admin();
        using var agent = fixture.Agent();
        var ten = NewDay();
        var first = await CreateAsync(admin, new { title = "First", date = Iso(ten), duration_minutes = 60, participants = new object[] { new { user_id = userId } } });

        var response = await agent.PostAsJsonAsync("/api/meetings", new { title = "Clash", date = Iso(ten.AddMinutes(30)), participants = new object[] { new { user_id = userId } } });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        var conflict = Assert.Single(problem.GetProperty("conflicts").EnumerateArray());
        Assert.Equal(Id(first), conflict.GetProperty("meeting_id").GetString());
        Assert.Equal("First", conflict.GetProperty("title").GetString());
        Assert.Equal(userId, conflict.GetProperty("user_id").GetString());
        Assert.Equal(ten, conflict.GetProperty("start").GetDateTime().ToUniversalTime());
        Assert.Equal(ten.AddHours(1), conflict.GetProperty("end").GetDateTime().ToUniversalTime());

        await CreateAsync(agent, new { title = "After", date = Iso(ten.AddHours(1)), participants = new object[] { new { user_id = userId } } });
        await CreateAsync(agent, new { title = "Before", date = Iso(ten.AddMinutes(-30)), participants = new object[] { new { user_id = userId } } });
        await CreateAsync(agent, new { title = "Forced", date = Iso(ten.AddMinutes(10)), participants = new object[] { new { user_id = userId } } }, "?force=true");

        // Adding a busy user to an existing meeting is checked too.
        var later = Id(await CreateAsync(admin, new { title = "Later", date = Iso(ten.AddMinutes(45)) }, "?force=true"));
        var added = await ProblemAssert.IsProblemAsync(
            await admin.PatchAsJsonAsync($"/api/meetings/{later}", new { participants = new object[] { new { user_id = userId } } }), HttpStatusCode.Conflict);
        Assert.NotEmpty(added.GetProperty("conflicts").EnumerateArray());
        var unchanged = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/meetings/{later}"), HttpStatusCode.OK);
        Assert.Single(unchanged.GetProperty("participants").EnumerateArray());
    }

    [Fact]
    public async Task Concurrent_bookings_of_one_user_let_exactly_one_through()
    {
        var (userId, _) = await fixture.Factory.CreateUserAsync("agent");
        var organizers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => fixture.Factory.CreateUserAsync("agent")));
        var start = Iso(NewDay());

        var responses = await Task.WhenAll(organizers.Select(async o =>
        {
            using var http = fixture.Factory.ClientWithToken(o.Token);
            return await http.PostAsJsonAsync("/api/meetings", new { title = "Race", date = start, participants = new object[] { new { user_id = userId } } });
        }));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        using var admin = fixture.Admin();
        var page = await ProblemAssert.JsonAsync(await admin.GetAsync($"/api/meetings?participant={userId}"), HttpStatusCode.OK);
        Assert.Equal(1, page.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Moving_cancelling_and_deleting_free_the_calendar()
    {
        var (userId, _) = await fixture.Factory.CreateUserAsync("agent");
        using var admin = fixture.Admin();
        using var agent = fixture.Agent();
        var ten = NewDay();
        var guest = new object[] { new { user_id = userId } };
        var id = Id(await CreateAsync(admin, new { title = "Movable", date = Iso(ten), participants = guest }));

        var moved = await ProblemAssert.JsonAsync(await admin.PutAsJsonAsync($"/api/meetings/{id}", new { date = Iso(ten.AddHours(4)) }), HttpStatusCode.OK);
        Assert.Equal(30, moved.GetProperty("duration_minutes").GetInt32());
        var atTen = Id(await CreateAsync(agent, new { title = "Now free", date = Iso(ten), participants = guest }));
        await ProblemAssert.IsProblemAsync(await agent.PostAsJsonAsync("/api/meetings", new { title = "Busy", date = Iso(ten.AddHours(4)), participants = guest }), HttpStatusCode.Conflict);

        // Moving onto a busy slot is refused too, and changes nothing.
        await ProblemAssert.IsProblemAsync(await admin.PatchAsJsonAsync($"/api/meetings/{id}", new { date = Iso(ten) }), HttpStatusCode.Conflict);

        await ProblemAssert.JsonAsync(await admin.PatchAsJsonAsync($"/api/meetings/{id}", new { status = "cancelled" }), HttpStatusCode.OK);
        var taken = Id(await CreateAsync(agent, new { title = "Took the slot", date = Iso(ten.AddHours(4)), participants = guest }));
        // Rebooking the cancelled meeting now conflicts.
        await ProblemAssert.IsProblemAsync(await admin.PatchAsJsonAsync($"/api/meetings/{id}", new { status = "scheduled" }), HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.NoContent, (await agent.DeleteAsync($"/api/meetings/{taken}")).StatusCode);
        await ProblemAssert.JsonAsync(await admin.PatchAsJsonAsync($"/api/meetings/{id}", new { status = "scheduled" }), HttpStatusCode.OK);

        // Removing the user from a meeting frees their slot.
        await ProblemAssert.JsonAsync(await agent.PatchAsJsonAsync($"/api/meetings/{atTen}", new { participants = Array.Empty<object>() }), HttpStatusCode.OK);
        await CreateAsync(admin, new { title = "Reuse ten", date = Iso(ten), participants = guest });
    }

    [Fact]
    public async Task Plain_string_participants_resolve_to_users_and_leads_or_stay_emails_and_names_as_given()
    {
        using var agent = fixture.Agent();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var byIdEmail = $"by-id-{tag}@crm.test";
        var byEmail = $"by-email-{tag}@crm.test";
        var (byIdUser, _) = await fixture.Factory.CreateUserAsync("client", byIdEmail);
        var (byEmailUser, byEmailToken) = await fixture.Factory.CreateUserAsync("client", byEmail);
        var leadByEmail = Id(await ProblemAssert.JsonAsync(
            await agent.PostAsJsonAsync("/api/leads", new { name = "Lead By Email", email = $"lead-{tag}@example.com" }), HttpStatusCode.Created));
        var leadById = Id(await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync("/api/leads", new { name = "Lead By Id" }), HttpStatusCode.Created));
        var guest = $"Bob from Acme {tag}";

        // Mixed: the original API's plain strings beside today's objects.
        var meeting = await CreateAsync(agent, new
        {
            title = "Original client booking", date = Iso(NewDay()),
            participants = new object[]
            {
                byIdUser, byEmail.ToUpperInvariant(), $"LEAD-{tag}@Example.com", leadById, guest, $"stranger-{tag}@example.com",
                new { email = $"object-{tag}@example.com", response = "accepted" },
            },
        });

        var people = meeting.GetProperty("participants").EnumerateArray().ToList();
        string? Field(JsonElement p, string name) => p.GetProperty(name).ValueKind == JsonValueKind.Null ? null : p.GetProperty(name).GetString();
        Assert.Equal(
            [
                ("user", fixture.AgentId, null, null), // the organizer
                ("user", byIdUser, null, byIdEmail),
                ("user", byEmailUser, null, byEmail),
                ("lead", null, leadByEmail, $"lead-{tag}@example.com"),
                ("lead", null, leadById, null),
                ("name", null, null, null),
                ("email", null, null, $"stranger-{tag}@example.com"),
                ("email", null, null, $"object-{tag}@example.com"),
            ],
            people.Select(p => (Field(p, "kind"), Field(p, "user_id"), Field(p, "lead_id"), p.GetProperty("kind").GetString() == "user" && Field(p, "user_id") == fixture.AgentId ? null : Field(p, "email"))));
        var named = people.Single(p => p.GetProperty("kind").GetString() == "name");
        Assert.Equal(guest, named.GetProperty("name").GetString());
        Assert.Equal("needs_action", named.GetProperty("response").GetString());
        Assert.Equal("Lead By Id", people[4].GetProperty("name").GetString());

        // A user named by email takes part like one named by id: it is in their calendar and they can read it.
        using var invited = fixture.Factory.ClientWithToken(byEmailToken);
        await ProblemAssert.JsonAsync(await invited.GetAsync($"/api/meetings/{Id(meeting)}"), HttpStatusCode.OK);
        await ProblemAssert.IsProblemAsync(
            await agent.PostAsJsonAsync("/api/meetings", new { title = "Clash", date = meeting.GetProperty("date").GetString(), participants = new[] { byEmail } }),
            HttpStatusCode.Conflict);

        // The guest is found by name, shown as given in the calendar file, and kept when the list is sent back unchanged.
        var found = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/meetings?participant={Uri.EscapeDataString(guest)}"), HttpStatusCode.OK);
        Assert.Equal([Id(meeting)], found.GetProperty("items").EnumerateArray().Select(Id));
        var ics = await (await agent.GetAsync($"/api/meetings/{Id(meeting)}/ics")).Content.ReadAsStringAsync();
        Assert.Contains($"CN=\"{guest}\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:urn:crmchatbot:guest:{Uri.EscapeDataString(guest)}", ics.Replace("\r\n ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var renamed = await ProblemAssert.JsonAsync(
            await agent.PatchAsJsonAsync($"/api/meetings/{Id(meeting)}", new { participants = new object[] { guest, "Carol (Acme)" } }), HttpStatusCode.OK);
        Assert.Equal([fixture.AgentId, guest, "Carol (Acme)"],
            renamed.GetProperty("participants").EnumerateArray().Select(p => Field(p, "user_id") ?? p.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Plain_string_participants_that_are_blank_too_long_or_control_characters_are_422_naming_the_entry()
    {
        using var agent = fixture.Agent();
        var title = $"Refused {Guid.NewGuid():N}";

        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsJsonAsync("/api/meetings", new
            {
                title, date = Iso(NewDay()),
                participants = new object[] { "Fine Name", "", "   ", "bell\u0007", new string('n', 201), new { user_id = "nobody" } },
            }),
            "participants[1]", "participants[2]", "participants[3]", "participants[4]", "participants[5].user_id");
        await ProblemAssert.NamesFieldsAsync(
            await agent.PostAsJsonAsync("/api/meetings", new { title, date = Iso(NewDay()), participants = new object[] { "Fine Name", 7 } }), "participants[1]");

        var list = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/meetings?q={title}"), HttpStatusCode.OK);
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Booking_with_a_lead_is_recorded_on_the_lead_and_cancelling_removes_it()
    {
        using var agent = fixture.Agent();
        var lead = await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync("/api/leads", new { name = "Meeting Lead", email = "ml@example.com" }), HttpStatusCode.Created);
        var leadId = Id(lead);
        var meeting = await CreateAsync(agent, new { title = "Demo", date = Iso(NewDay()), participants = new object[] { new { lead_id = leadId } } });
        var participant = meeting.GetProperty("participants").EnumerateArray().Single(p => p.GetProperty("kind").GetString() == "lead");
        Assert.Equal("ml@example.com", participant.GetProperty("email").GetString());
        Assert.Equal("Meeting Lead", participant.GetProperty("name").GetString());

        var timeline = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads/{leadId}/timeline"), HttpStatusCode.OK);
        Assert.Equal("meeting_booked", timeline.GetProperty("items")[0].GetProperty("action").GetString());
        Assert.Equal(Id(meeting), timeline.GetProperty("items")[0].GetProperty("note").GetString());

        await ProblemAssert.JsonAsync(await agent.PatchAsJsonAsync($"/api/meetings/{Id(meeting)}", new { status = "cancelled" }), HttpStatusCode.OK);
        timeline = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads/{leadId}/timeline"), HttpStatusCode.OK);
        Assert.Equal("meeting_removed", timeline.GetProperty("items")[0].GetProperty("action").GetString());

        var linked = await CreateAsync(agent, new { title = "Linked", date = Iso(NewDay()), lead_id = leadId });
        Assert.Equal(leadId, linked.GetProperty("lead_id").GetString());
        timeline = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads/{leadId}/timeline"), HttpStatusCode.OK);
        Assert.Equal("meeting_booked", timeline.GetProperty("items")[0].GetProperty("action").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await agent.DeleteAsync($"/api/meetings/{Id(linked)}")).StatusCode);
        timeline = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/leads/{leadId}/timeline"), HttpStatusCode.OK);
        Assert.Equal("meeting_removed", timeline.GetProperty("items")[0].GetProperty("action").GetString());
    }

    [Fact]
    public async Task Ics_is_a_utf8_calendar_with_crlf_and_the_meeting()
    {
        using var agent = fixture.Agent();
        var day = NewDay();
        var id = Id(await CreateAsync(agent, new { title = "Plan; review, Q3", date = Iso(day), duration_minutes = 45, location = "Room 5", participants = new object[] { "x@example.com" } }));

        var response = await agent.GetAsync($"/api/meetings/{id}/ics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var ics = await response.Content.ReadAsStringAsync();
        Assert.Equal(ics.Split('\n').Length, ics.Split("\r\n").Length);
        var lines = ics.Replace("\r\n ", "", StringComparison.Ordinal).Split("\r\n");
        Assert.Contains($"UID:{id}@crmchatbot", lines);
        Assert.Contains($"DTSTART:{day:yyyyMMdd'T'HHmmss'Z'}", lines);
        Assert.Contains($"DTEND:{day.AddMinutes(45):yyyyMMdd'T'HHmmss'Z'}", lines);
        Assert.Contains(@"SUMMARY:Plan\; review\, Q3", lines);
        Assert.Contains("LOCATION:Room 5", lines);
        Assert.Contains("STATUS:CONFIRMED", lines);
        Assert.Contains("SEQUENCE:1", lines);
        Assert.Contains(lines, l => l.StartsWith("ORGANIZER", StringComparison.Ordinal));
        Assert.Contains("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:x@example.com", lines);
        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/meetings/missing/ics"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Lists_filter_sort_and_page()
    {
        var (userId, _) = await fixture.Factory.CreateUserAsync("agent");
        using var agent = fixture.Agent();
        var tag = "tag" + Guid.NewGuid().ToString("N")[..8];
        var ten = NewDay();
        var lead = Id(await ProblemAssert.JsonAsync(await agent.PostAsJsonAsync("/api/leads", new { name = "Listed lead" }), HttpStatusCode.Created));
        var a = await CreateAsync(agent, new { title = $"B {tag}", date = Iso(ten), duration_minutes = 60, participants = new object[] { new { user_id = userId } } });
        var b = await CreateAsync(agent, new { title = $"A {tag}", date = Iso(ten.AddHours(2)), lead_id = lead, participants = new object[] { "Someone@Example.com" } });
        var c = await CreateAsync(agent, new { title = $"C {tag}", date = Iso(ten.AddHours(4)), notes = $"cancel {tag}-notes", location = $"{tag}-room" });
        await ProblemAssert.JsonAsync(await agent.PatchAsJsonAsync($"/api/meetings/{Id(c)}", new { status = "cancelled" }), HttpStatusCode.OK);

        async Task<string[]> IdsAsync(string query)
        {
            var page = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/meetings?q={tag}&{query}"), HttpStatusCode.OK);
            return [.. page.GetProperty("items").EnumerateArray().Select(Id)];
        }

        Assert.Equal([Id(a), Id(b), Id(c)], await IdsAsync(""));
        Assert.Equal([Id(c), Id(b), Id(a)], await IdsAsync("sort=-date"));
        Assert.Equal([Id(b), Id(a), Id(c)], await IdsAsync("sort=title"));
        Assert.Equal([Id(a), Id(b), Id(c)], await IdsAsync("sort=created_at"));
        Assert.Equal([Id(c)], await IdsAsync("status=cancelled"));
        Assert.Equal([Id(b)], await IdsAsync($"lead_id={lead}"));
        Assert.Equal([Id(b)], await IdsAsync($"participant={lead}"));
        Assert.Equal([Id(a)], await IdsAsync($"participant={userId}"));
        Assert.Equal([Id(b)], await IdsAsync("participant=someone@example.com"));
        Assert.Equal([Id(a), Id(b), Id(c)], await IdsAsync($"participant={fixture.AgentId}"));
        Assert.Empty(await IdsAsync("ticket_id=none"));

        // Overlap: [from, to) meets a meeting that ends after from and starts before to.
        Assert.Equal([Id(a)], await IdsAsync($"from={Iso(ten.AddMinutes(59))}&to={Iso(ten.AddHours(2))}"));
        Assert.Equal([Id(b)], await IdsAsync($"from={Iso(ten.AddHours(1))}&to={Iso(ten.AddHours(2).AddMinutes(1))}"));
        Assert.Equal([Id(b), Id(c)], await IdsAsync($"from={Iso(ten.AddHours(2))}"));
        Assert.Equal([Id(a)], await IdsAsync($"to={Iso(ten.AddHours(2))}"));

        var first = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/meetings?q={tag}&limit=2"), HttpStatusCode.OK);
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.Equal(2, first.GetProperty("next").GetInt32());
        Assert.Equal([Id(c)], await IdsAsync("limit=2&offset=2"));
        foreach (var text in new[] { $"{tag}-NOTES", $"{tag}-room" })
        {
            var found = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/meetings?q={text}"), HttpStatusCode.OK);
            Assert.Equal([Id(c)], found.GetProperty("items").EnumerateArray().Select(Id));
        }

        await ProblemAssert.NamesFieldsAsync(await agent.GetAsync("/api/meetings?from=yesterday&status=x&sort=colour&limit=0"), "from", "limit", "sort", "status");
        await ProblemAssert.NamesFieldsAsync(await agent.GetAsync($"/api/meetings?from={Iso(ten)}&to={Iso(ten)}"), "to");
    }

    [Fact]
    public async Task Clients_see_read_and_answer_only_their_meetings()
    {
        var (clientId, clientToken) = await fixture.Factory.CreateUserAsync("client");
        using var client = fixture.Factory.ClientWithToken(clientToken);
        using var agent = fixture.Agent();
        using var anonymous = fixture.Anonymous();
        var mine = Id(await CreateAsync(agent, new { title = "With client", date = Iso(NewDay()), participants = new object[] { new { user_id = clientId } } }));
        var other = Id(await CreateAsync(agent, new { title = "Without client", date = Iso(NewDay()) }));

        var list = await ProblemAssert.JsonAsync(await client.GetAsync("/api/meetings"), HttpStatusCode.OK);
        Assert.Equal([mine], list.GetProperty("items").EnumerateArray().Select(Id));
        var filtered = await ProblemAssert.JsonAsync(await client.GetAsync($"/api/meetings?participant={fixture.AgentId}"), HttpStatusCode.OK);
        Assert.Equal(0, filtered.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/meetings/{mine}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/meetings/{mine}/ics")).StatusCode);

        var answered = await ProblemAssert.JsonAsync(await client.PostAsJsonAsync($"/api/meetings/{mine}/respond", new { response = "tentative" }), HttpStatusCode.OK);
        Assert.Equal("tentative", answered.GetProperty("participants").EnumerateArray().Single(p => p.GetProperty("user_id").GetString() == clientId).GetProperty("response").GetString());

        // Writes on their own meeting: 403. Anything on someone else's: 404.
        await ProblemAssert.IsProblemAsync(await client.PutAsJsonAsync($"/api/meetings/{mine}", new { title = "x" }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.DeleteAsync($"/api/meetings/{mine}"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/api/meetings/{mine}/timeline"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/meetings", new { title = "x", date = Iso(NewDay()) }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/api/meetings/{other}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/api/meetings/{other}/ics"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/api/meetings/{other}/timeline"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync($"/api/meetings/{other}/respond", new { response = "accepted" }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await client.PutAsJsonAsync($"/api/meetings/{other}", new { title = "x" }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await client.DeleteAsync($"/api/meetings/{other}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync("/api/meetings"), HttpStatusCode.Unauthorized);

        // Staff who are not participants cannot answer for someone else.
        using var admin = fixture.Admin();
        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync($"/api/meetings/{mine}/respond", new { response = "accepted" }), HttpStatusCode.Forbidden);
        await ProblemAssert.NamesFieldsAsync(await client.PostAsJsonAsync($"/api/meetings/{mine}/respond", new { response = "maybe" }), "response");
        await ProblemAssert.NamesFieldsAsync(await client.PostAsJsonAsync($"/api/meetings/{mine}/respond", new { }), "response");
    }

    [Fact]
    public async Task Etags_and_if_match_guard_every_write()
    {
        using var agent = fixture.Agent();
        var id = Id(await CreateAsync(agent, new { title = "Versioned", date = Iso(NewDay()) }));
        var url = $"/api/meetings/{id}";

        await ProblemAssert.IsProblemAsync(await SendAsync(agent, HttpMethod.Put, url, new { title = "x" }, "\"9\""), HttpStatusCode.PreconditionFailed);
        var put = await SendAsync(agent, HttpMethod.Put, url, new { title = "Versioned 2" }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("\"2\"", put.Headers.ETag?.Tag);
        await ProblemAssert.IsProblemAsync(await SendAsync(agent, HttpMethod.Patch, url, new { title = "y" }, "\"1\""), HttpStatusCode.PreconditionFailed);
        await ProblemAssert.IsProblemAsync(await SendAsync(agent, HttpMethod.Post, url + "/respond", new { response = "declined" }, "\"1\""), HttpStatusCode.PreconditionFailed);
        var respond = await SendAsync(agent, HttpMethod.Post, url + "/respond", new { response = "declined" }, "\"2\"");
        Assert.Equal(HttpStatusCode.OK, respond.StatusCode);
        Assert.Equal("\"3\"", respond.Headers.ETag?.Tag);
        await ProblemAssert.IsProblemAsync(await SendAsync(agent, HttpMethod.Delete, url, ifMatch: "\"2\""), HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(agent, HttpMethod.Delete, url, ifMatch: "\"3\"")).StatusCode);
        await ProblemAssert.IsProblemAsync(await agent.GetAsync(url), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_timeline_records_every_change()
    {
        var (clientId, clientToken) = await fixture.Factory.CreateUserAsync("client");
        using var client = fixture.Factory.ClientWithToken(clientToken);
        using var agent = fixture.Agent();
        var ten = NewDay();
        var id = Id(await CreateAsync(agent, new { title = "History", date = Iso(ten), participants = new object[] { new { user_id = clientId } } }));

        await agent.PatchAsJsonAsync($"/api/meetings/{id}", new { notes = "agenda" });
        await agent.PatchAsJsonAsync($"/api/meetings/{id}", new { date = Iso(ten.AddHours(1)) });
        await client.PostAsJsonAsync($"/api/meetings/{id}/respond", new { response = "accepted" });
        await agent.PatchAsJsonAsync($"/api/meetings/{id}", new { status = "cancelled" });

        var page = await ProblemAssert.JsonAsync(await agent.GetAsync($"/api/meetings/{id}/timeline"), HttpStatusCode.OK);
        var actions = page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToArray();
        Assert.Equal(["cancelled", "participant_responded", "rescheduled", "updated", "created"], actions);
        var responded = page.GetProperty("items")[1];
        Assert.Equal(clientId, responded.GetProperty("actor").GetProperty("id").GetString());
        var rescheduled = page.GetProperty("items")[2].GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("field").GetString()).ToArray();
        Assert.Contains("start", rescheduled);
        Assert.Contains("end", rescheduled);
        await ProblemAssert.IsProblemAsync(await agent.GetAsync("/api/meetings/nope/timeline"), HttpStatusCode.NotFound);
    }
}

[Collection(SqliteApiCollection.Name)]
public sealed class MeetingTestsOnSqlite(SqliteApiFixture fixture) : MeetingTests(fixture);

[Collection(MongoApiCollection.Name)]
public sealed class MeetingTestsOnMongo(MongoApiFixture fixture) : MeetingTests(fixture);
