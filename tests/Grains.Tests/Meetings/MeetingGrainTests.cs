using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Meetings;
using CrmChatbot.Storage.Reminders;
using CrmChatbot.Users;

namespace CrmChatbot.Grains.Tests.Meetings;

[Collection(ClusterCollection.Name)]
public class MeetingGrainTests(ClusterFixture fixture)
{
    private static readonly DateTime Day = DateTime.UtcNow.Date.AddDays(30);

    private async Task<UserDto> NewUserAsync()
    {
        var email = $"m-{Guid.NewGuid():N}@crm.test";
        var created = await fixture.Grains.GetGrain<IUserGrain>(email).RegisterAsync(new NewUser(email, "sturdy-passphrase-42", "Meeting Person", UserRole.Agent));
        return created.Value!;
    }

    private IMeetingGrain NewMeeting() => fixture.Grains.GetGrain<IMeetingGrain>(Guid.CreateVersion7().ToString());

    private static MeetingPatch At(DateTime start, int minutes = 60, params string[] userIds) => new()
    {
        Title = Optional<string>.Of("Sync"),
        Date = Optional<DateTime>.Of(start),
        DurationMinutes = Optional<int>.Of(minutes),
        Participants = Optional<IReadOnlyList<ParticipantInput>>.Of([.. userIds.Select(u => new ParticipantInput(ParticipantKind.User, u))]),
    };

    private static Actor As(UserDto user) => Actor.User(user.Id, user.Role, user.Name);

    [Fact]
    public async Task Concurrent_bookings_of_one_user_let_exactly_one_through()
    {
        var busy = await NewUserAsync();
        var organizers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => NewUserAsync()));
        var start = Day.AddHours(9);

        var results = await Task.WhenAll(organizers.Select(o => NewMeeting().CreateAsync(At(start, 60, busy.Id), As(o))));

        Assert.Single(results, r => r.IsSuccess);
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(busy.Id, Assert.Single(r.Conflicts!).UserId));
        Assert.Single(await fixture.Grains.GetGrain<IUserCalendarGrain>(busy.Id).ListAsync());
    }

    [Fact]
    public async Task A_refused_booking_releases_the_calendars_it_already_held()
    {
        var organizer = await NewUserAsync();
        var free = await NewUserAsync();
        var busy = await NewUserAsync();
        var start = Day.AddHours(11);
        Assert.True((await NewMeeting().CreateAsync(At(start), As(busy))).IsSuccess);

        var refused = await NewMeeting().CreateAsync(At(start.AddMinutes(30), 60, free.Id, busy.Id), As(organizer));

        Assert.Equal(ErrorKind.Conflict, refused.Error!.Kind);
        Assert.Empty(await fixture.Grains.GetGrain<IUserCalendarGrain>(free.Id).ListAsync());
        Assert.Empty(await fixture.Grains.GetGrain<IUserCalendarGrain>(organizer.Id).ListAsync());
    }

    [Fact]
    public async Task Moving_cancelling_and_deleting_update_the_calendars()
    {
        var organizer = await NewUserAsync();
        var guest = await NewUserAsync();
        var grain = NewMeeting();
        var start = Day.AddHours(14);
        await grain.CreateAsync(At(start, 30, guest.Id), As(organizer));
        var calendar = fixture.Grains.GetGrain<IUserCalendarGrain>(guest.Id);

        await grain.UpdateAsync(new MeetingPatch { Date = Optional<DateTime>.Of(start.AddHours(2)) }, As(organizer));
        Assert.Equal(start.AddHours(2), Assert.Single(await calendar.ListAsync()).Start);

        await grain.UpdateAsync(new MeetingPatch { Status = Optional<MeetingStatus>.Of(MeetingStatus.Cancelled) }, As(organizer));
        Assert.Empty(await calendar.ListAsync());

        await grain.UpdateAsync(new MeetingPatch { Status = Optional<MeetingStatus>.Of(MeetingStatus.Scheduled) }, As(organizer));
        Assert.Single(await calendar.ListAsync());

        await grain.UpdateAsync(At(start.AddHours(2), 30), As(organizer)); // guest removed
        Assert.Empty(await calendar.ListAsync());
        Assert.Single(await fixture.Grains.GetGrain<IUserCalendarGrain>(organizer.Id).ListAsync());

        Assert.Null(await grain.DeleteAsync(As(organizer)));
        Assert.Empty(await fixture.Grains.GetGrain<IUserCalendarGrain>(organizer.Id).ListAsync());
    }

    [Fact]
    public async Task Booking_with_a_lead_records_engagement_and_cancelling_removes_it()
    {
        var organizer = await NewUserAsync();
        var leadId = Guid.NewGuid().ToString();
        await fixture.Grains.GetGrain<ILeadGrain>(leadId).CreateAsync(new NewLead("Lead With Meeting"), As(organizer));
        var grain = NewMeeting();
        var meetingId = grain.GetPrimaryKeyString();

        await grain.CreateAsync(At(Day.AddHours(16)) with { LeadId = Optional<string>.Of(leadId) }, As(organizer));
        Assert.Contains(meetingId, await LeadMeetingsAsync(leadId));

        await grain.UpdateAsync(new MeetingPatch { Status = Optional<MeetingStatus>.Of(MeetingStatus.Cancelled) }, As(organizer));
        Assert.DoesNotContain(meetingId, await LeadMeetingsAsync(leadId));
    }

    [Fact]
    public async Task Plain_string_participants_resolve_to_users_and_leads_else_stay_an_email_or_a_guest_name()
    {
        var organizer = await NewUserAsync();
        var byId = await NewUserAsync();
        var byEmail = await NewUserAsync();
        var leadId = Guid.NewGuid().ToString();
        var leadEmail = $"lead-{Guid.NewGuid():N}@example.com";
        await fixture.Grains.GetGrain<ILeadGrain>(leadId).CreateAsync(new NewLead("Lead By Email", Email: leadEmail), As(organizer));
        var texts = new[] { byId.Id, " " + byEmail.Email.ToUpperInvariant(), leadEmail, "nobody@example.com", "Bob from Acme", "", "x\u0001" };

        var refused = await NewMeeting().CreateAsync(At(Day.AddHours(18)) with
        {
            Participants = Optional<IReadOnlyList<ParticipantInput>>.Of([.. texts.Select(ParticipantInput.Text)]),
        }, As(organizer));
        var booked = await NewMeeting().CreateAsync(At(Day.AddHours(18)) with
        {
            Participants = Optional<IReadOnlyList<ParticipantInput>>.Of([.. texts[..5].Select(ParticipantInput.Text)]),
        }, As(organizer));

        Assert.Equal(["participants[5]", "participants[6]"], refused.Error!.Fields!.Keys.Order());
        Assert.Equal(
            [
                (ParticipantKind.User, organizer.Id, null, organizer.Name),
                (ParticipantKind.User, byId.Id, null, byId.Name),
                (ParticipantKind.User, byEmail.Id, null, byEmail.Name),
                (ParticipantKind.Lead, null, leadId, "Lead By Email"),
                (ParticipantKind.Email, null, null, null),
                (ParticipantKind.Name, null, null, "Bob from Acme"),
            ],
            booked.Value!.Participants.Select(p => (p.Kind, p.UserId, p.LeadId, p.Name)));
        Assert.Equal("nobody@example.com", booked.Value.Participants[4].Email);
        Assert.Single(await fixture.Grains.GetGrain<IUserCalendarGrain>(byEmail.Id).ListAsync());
    }

    private async Task<List<string>> LeadMeetingsAsync(string leadId)
    {
        await fixture.DeactivateAllAsync();
        var doc = fixture.Store.State("leads", leadId)!;
        return [.. doc["meeting_ids"]!.AsArray().Select(v => v!.GetValue<string>())];
    }

    [Fact]
    public async Task The_reminder_is_registered_in_the_store_and_recorded_when_it_fires()
    {
        var organizer = await NewUserAsync();
        var grain = NewMeeting();
        var id = grain.GetPrimaryKeyString();
        await grain.CreateAsync(At(DateTime.UtcNow.AddHours(2)), As(organizer));

        var row = Assert.Single(fixture.Store.Reminders(), r => r.GrainId.Contains(id, StringComparison.Ordinal));
        Assert.Equal(MeetingNames.ReminderName, row.ReminderName);

        // Moved to start in 10 minutes: inside the 15-minute window, so the firing is recorded.
        await grain.UpdateAsync(new MeetingPatch { Date = Optional<DateTime>.Of(DateTime.UtcNow.AddMinutes(10)) }, As(organizer));
        await grain.AsReference<IRemindable>().ReceiveReminder(MeetingNames.ReminderName, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(5), DateTime.UtcNow));

        var meeting = (await grain.GetAsync())!;
        Assert.NotNull(meeting.ReminderSentAt);
        Assert.Contains(fixture.Store.Timeline(),
            e => e["entity_id"]!.GetValue<string>() == id && e["action"]!.GetValue<string>() == "reminder_sent");

        // Fired again (a repeat tick): recorded once only.
        await grain.AsReference<IRemindable>().ReceiveReminder(MeetingNames.ReminderName, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(5), DateTime.UtcNow));
        var again = (await grain.GetAsync())!;
        Assert.Equal(meeting.Version, again.Version);
        Assert.Equal(meeting.ReminderSentAt, again.ReminderSentAt);
        Assert.DoesNotContain(fixture.Store.Reminders(), r => r.GrainId.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancelling_removes_the_reminder()
    {
        var organizer = await NewUserAsync();
        var grain = NewMeeting();
        var id = grain.GetPrimaryKeyString();
        await grain.CreateAsync(At(DateTime.UtcNow.AddHours(3)), As(organizer));

        await grain.UpdateAsync(new MeetingPatch { Status = Optional<MeetingStatus>.Of(MeetingStatus.Cancelled) }, As(organizer));

        Assert.DoesNotContain(fixture.Store.Reminders(), r => r.GrainId.Contains(id, StringComparison.Ordinal));
    }
}
