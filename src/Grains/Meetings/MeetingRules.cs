using CrmChatbot.Common;

namespace CrmChatbot.Meetings;

/// <summary>Validation, time rules and the status workflow of meetings, shared by create and update.</summary>
public static class MeetingRules
{
    public const int TitleMaxLength = 200;
    public const int NotesMaxLength = 10_000;
    public const int LocationMaxLength = 500;
    public const int UrlMaxLength = 2_000;
    public const int MaxParticipants = 100;

    /// <summary>Longest display name of a name-only participant (a plain string that is no user, lead or email).</summary>
    public const int ParticipantNameMaxLength = 200;
    public const int DefaultDurationMinutes = 30;
    public const int MinDurationMinutes = 5;
    public const int MaxDurationMinutes = 1440;

    /// <summary>
    /// The status workflow: a scheduled meeting ends as completed, cancelled or no_show; a cancelled
    /// one can be booked again. Completed and no_show are final.
    /// </summary>
    public static IReadOnlyDictionary<MeetingStatus, MeetingStatus[]> Transitions { get; } = new Dictionary<MeetingStatus, MeetingStatus[]>
    {
        [MeetingStatus.Scheduled] = [MeetingStatus.Completed, MeetingStatus.Cancelled, MeetingStatus.NoShow],
        [MeetingStatus.Cancelled] = [MeetingStatus.Scheduled],
        [MeetingStatus.Completed] = [],
        [MeetingStatus.NoShow] = [],
    };

    /// <summary>Null when <paramref name="from"/> may become <paramref name="to"/> (staying is always allowed), else a 409.</summary>
    public static CommandError? CheckTransition(MeetingStatus from, MeetingStatus to)
    {
        if (from == to || Transitions[from].Contains(to))
        {
            return null;
        }

        var allowed = Transitions[from];
        return CommandError.Conflict(
            $"A {Name(from)} meeting cannot become {Name(to)}; allowed: " +
            (allowed.Length == 0 ? "none (final status)" : string.Join(", ", allowed.Select(Name))) + ".");
    }

    /// <summary>Half-open intervals: back-to-back meetings (one ends when the other starts) do not overlap.</summary>
    public static bool Overlaps(DateTime aStart, DateTime aEnd, DateTime bStart, DateTime bEnd) => aStart < bEnd && bStart < aEnd;

    /// <summary>When the reminder of a meeting is due.</summary>
    public static DateTime ReminderAt(DateTime start, TimeSpan offset) => start - offset;

    /// <summary>
    /// Whether a firing reminder should be recorded now: the meeting is still scheduled, has not
    /// started, was not reminded yet, and the reminder time has come (a little early is fine: timers are coarse).
    /// </summary>
    public static bool ShouldSendReminder(MeetingState state, DateTime now, TimeSpan offset) =>
        state.Status == MeetingStatus.Scheduled && state.ReminderSentAt is null && now < state.Start &&
        now >= ReminderAt(state.Start, offset) - TimeSpan.FromSeconds(5);

    /// <summary>
    /// True when a valid IANA (or other system) time zone id; tzdata resolves IANA ids without ICU.
    /// The Try form: a directory of the zoneinfo tree ("America") makes the throwing lookup raise a
    /// SecurityException, which is just an unknown zone here.
    /// </summary>
    public static bool IsKnownTimeZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    public static bool IsWebUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;

    /// <summary>A copy of the state to change (states are replaced, never mutated in place).</summary>
    public static MeetingState Copy(MeetingState current) => new()
    {
        Title = current.Title,
        Start = current.Start,
        End = current.End,
        TimeZone = current.TimeZone,
        Location = current.Location,
        MeetingUrl = current.MeetingUrl,
        Status = current.Status,
        Participants = [.. current.Participants.Select(p => p.Copy())],
        Notes = current.Notes,
        LeadId = current.LeadId,
        TicketId = current.TicketId,
        OrganizerId = current.OrganizerId,
        ReminderSentAt = current.ReminderSentAt,
        CreatedAt = current.CreatedAt,
        UpdatedAt = current.UpdatedAt,
    };

    /// <summary>
    /// Applies the present fields of <paramref name="patch"/> to a copy of <paramref name="current"/>
    /// (or to a new meeting when null). <paramref name="participants"/> are the patch's participants
    /// already resolved (existence checked, names looked up), or null when the patch has none.
    /// </summary>
    public static CommandResult<MeetingState> Apply(
        MeetingState? current, MeetingPatch patch, IReadOnlyList<Participant>? participants, Participant organizer, DateTime now)
    {
        var errors = new FieldErrors();
        var next = current is null
            ? new MeetingState { CreatedAt = now, OrganizerId = organizer.Ref, Status = MeetingStatus.Scheduled }
            : Copy(current);
        next.UpdatedAt = now;

        if (current is null && !patch.Title.HasValue)
        {
            errors.Add("title", "is required");
        }
        else if (patch.Title.HasValue)
        {
            next.Title = errors.Required("title", patch.Title.Value, TitleMaxLength);
        }

        ApplyTimes(current, patch, next, errors);

        if (patch.TimeZone.HasValue)
        {
            next.TimeZone = errors.Optional("time_zone", patch.TimeZone.Value, 100);
            if (next.TimeZone is not null && !IsKnownTimeZone(next.TimeZone))
            {
                errors.Add("time_zone", "is not a known IANA time zone (e.g. Europe/Berlin)");
            }
        }

        if (patch.Location.HasValue)
        {
            next.Location = errors.Optional("location", patch.Location.Value, LocationMaxLength);
        }

        if (patch.MeetingUrl.HasValue)
        {
            next.MeetingUrl = errors.Optional("meeting_url", patch.MeetingUrl.Value, UrlMaxLength);
            if (next.MeetingUrl is not null && !IsWebUrl(next.MeetingUrl))
            {
                errors.Add("meeting_url", "must be an absolute http or https URL");
            }
        }

        if (patch.Notes.HasValue)
        {
            next.Notes = errors.Optional("notes", patch.Notes.Value, NotesMaxLength, multiLine: true);
        }

        if (patch.LeadId.HasValue)
        {
            next.LeadId = errors.Optional("lead_id", patch.LeadId.Value, 64);
        }

        if (patch.TicketId.HasValue)
        {
            next.TicketId = errors.Optional("ticket_id", patch.TicketId.Value, 64);
        }

        if (participants is not null)
        {
            next.Participants = MergeParticipants(current?.Participants ?? [], participants, organizer, errors);
        }
        else if (current is null)
        {
            next.Participants = [Organizer(organizer)];
        }

        if (patch.Status.HasValue)
        {
            if (!Enum.IsDefined(patch.Status.Value))
            {
                errors.Add("status", "is not a known meeting status");
            }
            else if (current is not null && CheckTransition(current.Status, patch.Status.Value) is { } refused)
            {
                return refused;
            }
            else
            {
                next.Status = patch.Status.Value;
            }
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        // A new time deserves a new reminder.
        if (current is not null && current.Start != next.Start)
        {
            next.ReminderSentAt = null;
        }

        return CommandResult<MeetingState>.Ok(next);
    }

    /// <summary>
    /// Start, end and duration: <c>end</c> or <c>duration_minutes</c> sets the length (both must agree);
    /// moving the start alone keeps the length.
    /// </summary>
    private static void ApplyTimes(MeetingState? current, MeetingPatch patch, MeetingState next, FieldErrors errors)
    {
        if (current is null && !patch.Date.HasValue)
        {
            errors.Add("date", "is required");
            return;
        }

        if (patch.Date.HasValue && !DateRules.InRange(patch.Date.Value))
        {
            errors.Add("date", DateRules.OutOfRange);
            return;
        }

        if (patch.End.HasValue && !DateRules.InRange(patch.End.Value))
        {
            errors.Add("end", DateRules.OutOfRange);
            return;
        }

        var start = patch.Date.HasValue ? Truncate(patch.Date.Value) : next.Start;
        var length = current is null ? TimeSpan.FromMinutes(DefaultDurationMinutes) : current.End - current.Start;
        if (patch.End.HasValue)
        {
            var end = Truncate(patch.End.Value);
            if (end <= start)
            {
                errors.Add("end", "must be after date");
                return;
            }

            length = end - start;
            if (patch.DurationMinutes.HasValue && TimeSpan.FromMinutes(patch.DurationMinutes.Value) != length)
            {
                errors.Add("duration_minutes", $"disagrees with end ({length.TotalMinutes:0.###} minutes after date); give one or the other");
                return;
            }
        }
        else if (patch.DurationMinutes.HasValue)
        {
            length = TimeSpan.FromMinutes(patch.DurationMinutes.Value);
        }

        if (length < TimeSpan.FromMinutes(MinDurationMinutes) || length > TimeSpan.FromMinutes(MaxDurationMinutes))
        {
            errors.Add(patch.End.HasValue ? "end" : "duration_minutes",
                $"the meeting must last from {MinDurationMinutes} to {MaxDurationMinutes} minutes");
            return;
        }

        next.Start = start;
        next.End = start + length;
    }

    private static List<Participant> MergeParticipants(
        IReadOnlyList<Participant> existing, IReadOnlyList<Participant> requested, Participant organizer, FieldErrors errors)
    {
        var byKey = existing.ToDictionary(p => p.Key(), StringComparer.Ordinal);
        var result = new List<Participant>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var organizerKey = ParticipantKeys.Of(ParticipantKind.User, organizer.Ref);
        foreach (var participant in requested)
        {
            if (!seen.Add(participant.Key()))
            {
                continue; // the same person twice is once
            }

            var merged = participant.Copy();
            if (byKey.TryGetValue(participant.Key(), out var known) && !participant.IsOrganizer && participant.Response == ParticipantResponse.NeedsAction)
            {
                merged.Response = known.Response; // keep an earlier answer unless a new one is given
            }

            merged.IsOrganizer = merged.Key() == organizerKey;
            if (merged.IsOrganizer && merged.Response == ParticipantResponse.NeedsAction)
            {
                merged.Response = ParticipantResponse.Accepted;
            }

            result.Add(merged);
        }

        // The organizer always takes part.
        var organizerEntry = result.FirstOrDefault(p => p.Key() == organizerKey);
        if (organizerEntry is null)
        {
            var kept = byKey.GetValueOrDefault(organizerKey);
            result.Insert(0, kept?.Copy() ?? Organizer(organizer));
        }

        if (result.Count > MaxParticipants)
        {
            errors.Add("participants", $"must have at most {MaxParticipants} entries");
        }

        return result;
    }

    private static Participant Organizer(Participant organizer)
    {
        var entry = organizer.Copy();
        entry.IsOrganizer = true;
        entry.Response = ParticipantResponse.Accepted;
        return entry;
    }

    private static DateTime Truncate(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value.ToUniversalTime(), DateTimeKind.Utc);
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }

    private static string Name(MeetingStatus status) => status switch
    {
        MeetingStatus.NoShow => "no_show",
        _ => status.ToString().ToLowerInvariant(),
    };
}
