using CrmChatbot.Common;
using Orleans.Concurrency;

namespace CrmChatbot.Meetings;

/// <summary>One meeting; the grain is the single writer of its state. Keyed by the meeting id.</summary>
[Alias("crm.IMeetingGrain")]
public interface IMeetingGrain : IGrainWithStringKey
{
    /// <summary>Creates the meeting with the actor as organizer; conflicts unless <paramref name="force"/>.</summary>
    [Alias("Create")]
    Task<MeetingResult> CreateAsync(MeetingPatch meeting, Actor actor, bool force = false);

    [Alias("Get"), ReadOnly]
    Task<MeetingDto?> GetAsync();

    /// <summary>Applies a partial update (time, participants, status...); with a version, only if current.</summary>
    [Alias("Update")]
    Task<MeetingResult> UpdateAsync(MeetingPatch patch, Actor actor, long? expectedVersion = null, bool force = false);

    /// <summary>The acting user answers the invitation for themselves.</summary>
    [Alias("Respond")]
    Task<MeetingResult> RespondAsync(ParticipantResponse response, Actor actor, long? expectedVersion = null);

    [Alias("Delete")]
    Task<CommandError?> DeleteAsync(Actor actor, long? expectedVersion = null);
}

/// <summary>
/// The scheduled meetings of one user (keyed by user id). Reserving is an atomic check-and-insert,
/// so two bookings racing for the same user cannot both pass.
/// </summary>
[Alias("crm.IUserCalendarGrain")]
public interface IUserCalendarGrain : IGrainWithStringKey
{
    /// <summary>
    /// Holds (or moves) the slot of a meeting. Returns the overlapping meetings and reserves nothing,
    /// unless there are none or <paramref name="force"/> is set.
    /// </summary>
    [Alias("Reserve")]
    Task<IReadOnlyList<MeetingConflict>> ReserveAsync(CalendarSlot slot, bool force);

    /// <summary>Frees a meeting's slot; no-op when not held.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string meetingId);

    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<CalendarSlot>> ListAsync();
}

/// <summary>Reads meeting documents straight from the store, with indexes; never activates grains.</summary>
public interface IMeetingQueries
{
    Task<Page<MeetingDto>> ListAsync(MeetingListQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every meeting matching the query's filters, search and sort (its limit and offset are ignored), read from
    /// the store <paramref name="pageSize"/> at a time with keyset paging: constant memory however many match.
    /// </summary>
    IAsyncEnumerable<MeetingDto> WalkAsync(MeetingListQuery query, int pageSize, CancellationToken cancellationToken = default);
}
