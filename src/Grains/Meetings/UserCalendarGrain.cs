using CrmChatbot.Common;

namespace CrmChatbot.Meetings;

/// <summary>The persisted calendar of one user: the slots of their scheduled meetings.</summary>
[GenerateSerializer, Alias("crm.user-calendar-state")]
public sealed class UserCalendarState
{
    [Id(0)] public List<CalendarEntry> Slots { get; set; } = [];
}

/// <summary>One held slot as stored (a settable class, as both stores' mappers want).</summary>
[GenerateSerializer, Alias("crm.calendar-entry")]
public sealed class CalendarEntry
{
    [Id(0)] public string MeetingId { get; set; } = "";
    [Id(1)] public string Title { get; set; } = "";
    [Id(2)] public DateTime Start { get; set; }
    [Id(3)] public DateTime End { get; set; }

    public static CalendarEntry From(CalendarSlot slot) => new() { MeetingId = slot.MeetingId, Title = slot.Title, Start = slot.Start, End = slot.End };

    public CalendarSlot ToSlot() => new(MeetingId, Title, Start, End);
}

/// <summary>
/// Makes "is this user free?" and "book them" one step: the grain handles one call at a time, so
/// a check and its reservation cannot interleave with another booking of the same user.
/// </summary>
public sealed class UserCalendarGrain(
    [PersistentState(MeetingNames.CalendarCollection, StorageNames.Crm)] IPersistentState<UserCalendarState> calendar,
    TimeProvider clock) : Grain, IUserCalendarGrain
{
    // Slots that ended this long ago cannot conflict with anything bookable; drop them to keep the document small.
    private static readonly TimeSpan Retention = TimeSpan.FromDays(2);

    public async Task<IReadOnlyList<MeetingConflict>> ReserveAsync(CalendarSlot slot, bool force)
    {
        var userId = this.GetPrimaryKeyString();
        var others = calendar.State.Slots.Where(s => s.MeetingId != slot.MeetingId).ToList();
        if (!force)
        {
            var conflicts = others
                .Where(s => MeetingRules.Overlaps(s.Start, s.End, slot.Start, slot.End))
                .Select(s => new MeetingConflict(s.MeetingId, s.Title, s.Start, s.End, userId))
                .ToList();
            if (conflicts.Count > 0)
            {
                return conflicts;
            }
        }

        if (calendar.State.Slots.Any(s => s.ToSlot() == slot))
        {
            return [];
        }

        var horizon = Timestamps.Now(clock) - Retention;
        await SaveAsync([.. others.Where(s => s.End > horizon), CalendarEntry.From(slot)]);
        return [];
    }

    public async Task ReleaseAsync(string meetingId)
    {
        if (calendar.State.Slots.Any(s => s.MeetingId == meetingId))
        {
            await SaveAsync([.. calendar.State.Slots.Where(s => s.MeetingId != meetingId)]);
        }
    }

    public Task<IReadOnlyList<CalendarSlot>> ListAsync() =>
        Task.FromResult<IReadOnlyList<CalendarSlot>>([.. calendar.State.Slots.OrderBy(s => s.Start).Select(s => s.ToSlot())]);

    private Task SaveAsync(List<CalendarEntry> slots) =>
        calendar.ReplaceAsync(new UserCalendarState { Slots = slots }, DeactivateOnIdle);
}
