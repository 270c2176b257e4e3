using CrmChatbot.Common;
using CrmChatbot.Meetings;

namespace CrmChatbot.Grains.Tests.Meetings;

public class MeetingRulesTests
{
    private static readonly DateTime Now = new(2030, 1, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Nine = new(2030, 1, 2, 9, 0, 0, DateTimeKind.Utc);
    private static readonly Participant Organizer = new() { Kind = ParticipantKind.User, Ref = "u1", Name = "Org", Email = "org@x.test" };

    private static CommandResult<MeetingState> Create(MeetingPatch patch) => MeetingRules.Apply(null, patch, null, Organizer, Now);

    private static MeetingState Meeting(MeetingStatus status = MeetingStatus.Scheduled) =>
        Create(new MeetingPatch { Title = Optional<string>.Of("T"), Date = Optional<DateTime>.Of(Nine), Status = Optional<MeetingStatus>.Of(status) }).Value!;

    private static string[] Fields(CommandResult<MeetingState> result) => [.. result.Error!.Fields!.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void A_new_meeting_lasts_30_minutes_and_has_the_organizer_as_accepted_participant()
    {
        var meeting = Meeting();

        Assert.Equal(Nine.AddMinutes(30), meeting.End);
        Assert.Equal(MeetingStatus.Scheduled, meeting.Status);
        var organizer = Assert.Single(meeting.Participants);
        Assert.True(organizer.IsOrganizer);
        Assert.Equal(ParticipantResponse.Accepted, organizer.Response);
        Assert.Equal("u1", meeting.OrganizerId);
    }

    [Fact]
    public void Title_and_date_are_required()
    {
        Assert.Equal(["date", "title"], Fields(Create(new MeetingPatch())));
    }

    [Theory]
    [InlineData(4, "duration_minutes")]
    [InlineData(1441, "duration_minutes")]
    [InlineData(0, "duration_minutes")]
    public void Duration_must_be_5_to_1440_minutes(int minutes, string field)
    {
        var result = Create(new MeetingPatch { Title = Optional<string>.Of("T"), Date = Optional<DateTime>.Of(Nine), DurationMinutes = Optional<int>.Of(minutes) });
        Assert.Equal([field], Fields(result));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(1440)]
    public void Duration_bounds_are_inclusive(int minutes)
    {
        var result = Create(new MeetingPatch { Title = Optional<string>.Of("T"), Date = Optional<DateTime>.Of(Nine), DurationMinutes = Optional<int>.Of(minutes) });
        Assert.Equal(Nine.AddMinutes(minutes), result.Value!.End);
    }

    [Fact]
    public void End_must_be_after_the_start_and_agree_with_a_duration()
    {
        var before = Create(new MeetingPatch { Title = Optional<string>.Of("T"), Date = Optional<DateTime>.Of(Nine), End = Optional<DateTime>.Of(Nine) });
        var disagree = Create(new MeetingPatch
        {
            Title = Optional<string>.Of("T"), Date = Optional<DateTime>.Of(Nine), End = Optional<DateTime>.Of(Nine.AddHours(1)), DurationMinutes = Optional<int>.Of(30),
        });
        var agree = Create(new MeetingPatch
        {
            Title = Optional<string>.Of("T"), Date = Optional<DateTime>.Of(Nine), End = Optional<DateTime>.Of(Nine.AddHours(1)), DurationMinutes = Optional<int>.Of(60),
        });

        Assert.Equal(["end"], Fields(before));
        Assert.Equal(["duration_minutes"], Fields(disagree));
        Assert.Equal(Nine.AddHours(1), agree.Value!.End);
    }

    [Fact]
    public void Moving_the_start_keeps_the_length_and_clears_the_sent_reminder()
    {
        var current = Meeting();
        current.ReminderSentAt = Now;

        var moved = MeetingRules.Apply(current, new MeetingPatch { Date = Optional<DateTime>.Of(Nine.AddHours(3)) }, null, Organizer, Now).Value!;

        Assert.Equal(Nine.AddHours(3), moved.Start);
        Assert.Equal(Nine.AddHours(3).AddMinutes(30), moved.End);
        Assert.Null(moved.ReminderSentAt);
    }

    [Fact]
    public void Offsets_become_utc()
    {
        var local = new DateTimeOffset(2030, 1, 2, 11, 0, 0, TimeSpan.FromHours(2)).UtcDateTime;
        var meeting = Create(new MeetingPatch { Title = Optional<string>.Of("T"), Date = Optional<DateTime>.Of(local) }).Value!;
        Assert.Equal(Nine, meeting.Start);
        Assert.Equal(DateTimeKind.Utc, meeting.Start.Kind);
    }

    [Theory]
    [InlineData("Europe/Berlin", true)]
    [InlineData("America/New_York", true)]
    [InlineData("UTC", true)]
    [InlineData("Mars/Olympus", false)]
    public void Time_zones_are_iana_ids_resolved_without_icu(string zone, bool valid)
    {
        Assert.Equal(valid, MeetingRules.IsKnownTimeZone(zone));
        var result = Create(new MeetingPatch { Title = Optional<string>.Of("T"), Date = Optional<DateTime>.Of(Nine), TimeZone = Optional<string>.Of(zone) });
        Assert.Equal(valid, result.IsSuccess);
    }

    [Theory]
    [InlineData("https://meet.example.com/abc", true)]
    [InlineData("http://example.com", true)]
    [InlineData("ftp://example.com/x", false)]
    [InlineData("/relative", false)]
    [InlineData("not a url", false)]
    public void Meeting_urls_are_absolute_http_or_https(string url, bool valid)
    {
        var result = Create(new MeetingPatch { Title = Optional<string>.Of("T"), Date = Optional<DateTime>.Of(Nine), MeetingUrl = Optional<string>.Of(url) });
        Assert.Equal(valid, result.IsSuccess);
        if (!valid)
        {
            Assert.Equal(["meeting_url"], Fields(result));
        }
    }

    [Theory]
    [InlineData(MeetingStatus.Scheduled, MeetingStatus.Completed, true)]
    [InlineData(MeetingStatus.Scheduled, MeetingStatus.Cancelled, true)]
    [InlineData(MeetingStatus.Scheduled, MeetingStatus.NoShow, true)]
    [InlineData(MeetingStatus.Cancelled, MeetingStatus.Scheduled, true)]
    [InlineData(MeetingStatus.Cancelled, MeetingStatus.Completed, false)]
    [InlineData(MeetingStatus.Completed, MeetingStatus.Scheduled, false)]
    [InlineData(MeetingStatus.Completed, MeetingStatus.Cancelled, false)]
    [InlineData(MeetingStatus.NoShow, MeetingStatus.Scheduled, false)]
    [InlineData(MeetingStatus.Completed, MeetingStatus.Completed, true)]
    public void Status_transitions_follow_the_table(MeetingStatus from, MeetingStatus to, bool allowed)
    {
        var error = MeetingRules.CheckTransition(from, to);
        Assert.Equal(allowed, error is null);
        if (!allowed)
        {
            Assert.Equal(ErrorKind.Conflict, error!.Kind);
            Assert.Contains("allowed:", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_refused_transition_names_the_allowed_ones()
    {
        var result = MeetingRules.Apply(Meeting(MeetingStatus.Cancelled), new MeetingPatch { Status = Optional<MeetingStatus>.Of(MeetingStatus.Completed) }, null, Organizer, Now);
        Assert.Equal(ErrorKind.Conflict, result.Error!.Kind);
        Assert.Contains("allowed: scheduled", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(9, 0, 10, 0, 10, 0, 11, 0, false)] // back to back
    [InlineData(11, 0, 12, 0, 10, 0, 11, 0, false)] // back to back, other side
    [InlineData(9, 0, 10, 1, 10, 0, 11, 0, true)] // one minute over
    [InlineData(10, 15, 10, 45, 10, 0, 11, 0, true)] // inside
    [InlineData(9, 0, 12, 0, 10, 0, 11, 0, true)] // around
    [InlineData(10, 0, 11, 0, 10, 0, 11, 0, true)] // same
    public void Overlap_is_half_open(int ah, int am, int bh, int bm, int ch, int cm, int dh, int dm, bool overlaps)
    {
        DateTime At(int h, int m) => new(2030, 1, 2, h, m, 0, DateTimeKind.Utc);
        Assert.Equal(overlaps, MeetingRules.Overlaps(At(ah, am), At(bh, bm), At(ch, cm), At(dh, dm)));
    }

    [Fact]
    public void The_reminder_is_sent_once_between_its_time_and_the_start()
    {
        var offset = TimeSpan.FromMinutes(15);
        var meeting = Meeting();

        Assert.False(MeetingRules.ShouldSendReminder(meeting, Nine.AddMinutes(-30), offset)); // too early
        Assert.True(MeetingRules.ShouldSendReminder(meeting, Nine.AddMinutes(-15), offset));
        Assert.True(MeetingRules.ShouldSendReminder(meeting, Nine.AddMinutes(-1), offset));
        Assert.False(MeetingRules.ShouldSendReminder(meeting, Nine, offset)); // started
        meeting.ReminderSentAt = Nine.AddMinutes(-15);
        Assert.False(MeetingRules.ShouldSendReminder(meeting, Nine.AddMinutes(-10), offset)); // once
        Assert.False(MeetingRules.ShouldSendReminder(Meeting(MeetingStatus.Cancelled), Nine.AddMinutes(-10), offset));
    }

    [Fact]
    public void Participants_replace_the_list_keep_earlier_answers_and_always_include_the_organizer()
    {
        var current = Meeting();
        current.Participants.Add(new Participant { Kind = ParticipantKind.Email, Ref = "a@x.test", Email = "a@x.test", Response = ParticipantResponse.Declined });
        var requested = new List<Participant>
        {
            new() { Kind = ParticipantKind.Email, Ref = "a@x.test", Email = "a@x.test" },
            new() { Kind = ParticipantKind.Email, Ref = "a@x.test", Email = "a@x.test" },
            new() { Kind = ParticipantKind.Lead, Ref = "l1", Name = "Lead" },
        };

        var next = MeetingRules.Apply(current, new MeetingPatch(), requested, Organizer, Now).Value!;

        Assert.Equal(["user:u1", "email:a@x.test", "lead:l1"], next.Participants.Select(p => p.Key()));
        Assert.Equal(ParticipantResponse.Declined, next.Participants[1].Response);
        Assert.Equal(ParticipantResponse.NeedsAction, next.Participants[2].Response);
        Assert.Equal(["user:u1", "email:org@x.test", "email:a@x.test", "lead:l1"], ParticipantKeys.All(next.Participants));
    }
}
