using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmChatbot.Meetings;

/// <summary>
/// The single writer of one meeting. Bookings hold a slot in each user participant's calendar grain
/// (atomic check-and-reserve, compensated when a later calendar refuses); linked leads record the
/// meeting; a durable reminder announces it before it starts.
/// </summary>
public sealed partial class MeetingGrain(
    IEntityStore store,
    TimeProvider clock,
    IUserQueries users,
    IEntityDirectory directory,
    IOptions<MeetingOptions> options,
    ILogger<MeetingGrain> logger) : EntityGrain<MeetingState>(MeetingNames.Collection, store, clock, logger), IMeetingGrain, IRemindable
{
    // Reminders repeat until handled; the handler unregisters it once the meeting was announced.
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(5);

    protected override string EntityKind => MeetingNames.Kind;

    protected override object ToEventData(MeetingState state) => state.ToDto(Id);

    private TimeSpan ReminderOffset => options.Value.ReminderOffset;

    public async Task<MeetingResult> CreateAsync(MeetingPatch input, Actor actor, bool force = false)
    {
        if (Exists)
        {
            return CommandError.Conflict($"Meeting '{Id}' already exists.");
        }

        if (actor.UserId is null || await users.FindByIdAsync(actor.UserId) is not { } organizerUser)
        {
            return CommandError.Invalid("organizer", "a meeting is organized by an existing user");
        }

        var organizer = new Participant { Kind = ParticipantKind.User, Ref = organizerUser.Id, Name = organizerUser.Name, Email = organizerUser.Email };
        var prepared = await PrepareAsync(null, input, organizer);
        if (prepared.Error is not null)
        {
            return prepared.Error;
        }

        var next = prepared.Value!;
        return await SaveAsync(next, actor, "created", force);
    }

    public Task<MeetingDto?> GetAsync() => Task.FromResult(Exists ? Current.ToDto(Id) : null);

    public async Task<MeetingResult> UpdateAsync(MeetingPatch patch, Actor actor, long? expectedVersion = null, bool force = false)
    {
        if (!Exists)
        {
            return NotFound();
        }

        if (CheckVersion(expectedVersion) is { } stale)
        {
            return stale;
        }

        var organizer = Current.Participants.FirstOrDefault(p => p.IsOrganizer)
            ?? new Participant { Kind = ParticipantKind.User, Ref = Current.OrganizerId };
        var prepared = await PrepareAsync(Current, patch, organizer);
        if (prepared.Error is not null)
        {
            return prepared.Error;
        }

        var next = prepared.Value!;
        if (!Differs(next))
        {
            return MeetingResult.Ok(Current.ToDto(Id));
        }

        var action = next.Status == MeetingStatus.Cancelled && Current.Status != MeetingStatus.Cancelled ? "cancelled"
            : next.Start != Current.Start || next.End != Current.End ? "rescheduled"
            : "updated";
        return await SaveAsync(next, actor, action, force);
    }

    public async Task<MeetingResult> RespondAsync(ParticipantResponse response, Actor actor, long? expectedVersion = null)
    {
        if (!Exists)
        {
            return NotFound();
        }

        if (CheckVersion(expectedVersion) is { } stale)
        {
            return stale;
        }

        if (actor.UserId is null || !Current.HasUser(actor.UserId))
        {
            return new CommandError(ErrorKind.Forbidden, "Only a participant can answer for themselves.");
        }

        if (!Enum.IsDefined(response))
        {
            return CommandError.Invalid("response", "is not a known response");
        }

        var next = MeetingRules.Copy(Current);
        var entry = next.Participants.First(p => p.Kind == ParticipantKind.User && p.Ref == actor.UserId);
        if (entry.Response == response)
        {
            return MeetingResult.Ok(Current.ToDto(Id));
        }

        entry.Response = response;
        next.UpdatedAt = Timestamps.Now(Clock);
        await CommitAsync(next, actor, "participant_responded", note: $"{actor.UserId}: {StoredName(response)}");
        return MeetingResult.Ok(Current.ToDto(Id));
    }

    public async Task<CommandError?> DeleteAsync(Actor actor, long? expectedVersion = null)
    {
        if (!Exists)
        {
            return CommandError.NotFound($"Meeting '{Id}' was not found.");
        }

        if (CheckVersion(expectedVersion) is { } stale)
        {
            return stale;
        }

        var previous = Current;
        await DeleteEntityAsync(actor);
        await ReleaseAsync(Held(previous));
        await RecordLeadsAsync(Booked(previous), [], actor);
        await UnregisterReminderAsync();
        return null;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != MeetingNames.ReminderName)
        {
            return;
        }

        var now = Timestamps.Now(Clock);
        if (Exists && MeetingRules.ShouldSendReminder(Current, now, ReminderOffset))
        {
            var next = MeetingRules.Copy(Current);
            next.ReminderSentAt = now;
            next.UpdatedAt = now;
            await CommitAsync(next, Actor.System, "reminder_sent", note: $"starts at {Current.Start:O}");
            LogReminderSent(logger, Id, Current.Start);
        }

        if (Exists && Current.Status == MeetingStatus.Scheduled && Current.ReminderSentAt is null && now < MeetingRules.ReminderAt(Current.Start, ReminderOffset))
        {
            await SyncReminderAsync(); // fired early (the meeting moved): aim again
            return;
        }

        await UnregisterReminderAsync();
    }

    /// <summary>Resolves participants and links, then applies the rules; the state to commit or the refusal.</summary>
    private async Task<CommandResult<MeetingState>> PrepareAsync(MeetingState? current, MeetingPatch patch, Participant organizer)
    {
        var errors = new FieldErrors();
        List<Participant>? participants = null;
        if (patch.Participants.HasValue)
        {
            participants = await ResolveParticipantsAsync(patch.Participants.Value ?? [], errors);
        }

        await CheckLinkAsync(errors, "lead_id", "leads", patch.LeadId);
        await CheckLinkAsync(errors, "ticket_id", "tickets", patch.TicketId);
        if (errors.Any)
        {
            return errors.ToError();
        }

        return MeetingRules.Apply(current, patch, participants, organizer, Timestamps.Now(Clock));
    }

    private async Task<List<Participant>> ResolveParticipantsAsync(IReadOnlyList<ParticipantInput> inputs, FieldErrors errors)
    {
        var resolved = new List<Participant>();
        for (var i = 0; i < inputs.Count && i <= MeetingRules.MaxParticipants; i++)
        {
            var input = inputs[i];
            var field = $"participants[{i}]";
            var reference = input.Ref?.Trim() ?? "";
            if (input.Kind is not { } kind)
            {
                if (await ResolveTextAsync(field, input.Ref, errors) is { } found)
                {
                    found.Response = input.Response ?? ParticipantResponse.NeedsAction;
                    resolved.Add(found);
                }

                continue;
            }

            var participant = new Participant { Kind = kind, Ref = reference, Response = input.Response ?? ParticipantResponse.NeedsAction };
            switch (kind)
            {
                case ParticipantKind.User:
                    var user = reference.Length is > 0 and <= 64 ? await users.FindByIdAsync(reference) : null;
                    if (user is null)
                    {
                        errors.Add(field + ".user_id", $"no user has the id '{reference}'");
                        continue;
                    }

                    participant.Name = user.Name;
                    participant.Email = user.Email;
                    break;
                case ParticipantKind.Lead:
                    var lead = reference.Length is > 0 and <= 64 ? await GrainFactory.Reference<ILeadGrain>(reference).GetAsync() : null;
                    if (lead is null)
                    {
                        errors.Add(field + ".lead_id", $"no lead has the id '{reference}'");
                        continue;
                    }

                    participant.Name = lead.Name;
                    participant.Email = lead.Email;
                    break;
                default:
                    var email = errors.Email(field + ".email", reference);
                    if (email is null)
                    {
                        errors.Add(field + ".email", "is required");
                        continue;
                    }

                    participant.Ref = email;
                    participant.Email = email;
                    break;
            }

            resolved.Add(participant);
        }

        return resolved;
    }

    /// <summary>
    /// A plain-string participant, as the original API took them: a user id or a lead id; else an email, which is
    /// that user (or the lead holding it) when one is known, else an email participant; anything else is a guest
    /// known by this display name, kept as given (trimmed). Null, with the problem named <paramref name="field"/>,
    /// for a blank, overlong or control-character string.
    /// </summary>
    private async Task<Participant?> ResolveTextAsync(string field, string? text, FieldErrors errors)
    {
        var value = errors.Required(field, text, MeetingRules.ParticipantNameMaxLength);
        if (errors.Has(field))
        {
            return null;
        }

        if (LooksLikeId(value))
        {
            if (await users.FindByIdAsync(value) is { } user)
            {
                return new Participant { Kind = ParticipantKind.User, Ref = user.Id, Name = user.Name, Email = user.Email };
            }

            if (await directory.ExistsAsync(StorageNames.Leads, value) && await GrainFactory.Reference<ILeadGrain>(value).GetAsync() is { } lead)
            {
                return new Participant { Kind = ParticipantKind.Lead, Ref = lead.Id, Name = lead.Name, Email = lead.Email };
            }
        }

        var scratch = new FieldErrors();
        if (value.Contains('@', StringComparison.Ordinal) && scratch.Email(field, value) is { } email && !scratch.Any)
        {
            if (await GrainFactory.Reference<IUserGrain>(EmailKey.Normalize(email)).GetAsync() is { } user)
            {
                return new Participant { Kind = ParticipantKind.User, Ref = user.Id, Name = user.Name, Email = user.Email };
            }

            if (ContactKeys.Email(email) is { } key &&
                await GrainFactory.Reference<ILeadContactClaimGrain>(key).GetHolderAsync() is { } leadId &&
                await GrainFactory.Reference<ILeadGrain>(leadId).GetAsync() is { } lead)
            {
                return new Participant { Kind = ParticipantKind.Lead, Ref = lead.Id, Name = lead.Name, Email = lead.Email };
            }

            return new Participant { Kind = ParticipantKind.Email, Ref = email, Email = email };
        }

        return new Participant { Kind = ParticipantKind.Name, Ref = value, Name = value };
    }

    /// <summary>The shape of an entity id (letters, digits, - and _; at most 64): only such strings are looked up as ids.</summary>
    private static bool LooksLikeId(string value) =>
        value.Length <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private async Task CheckLinkAsync(FieldErrors errors, string field, string collection, Optional<string> id)
    {
        var value = id.HasValue ? id.Value?.Trim() : null;
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (value.Length > 64 || !await directory.ExistsAsync(collection, value))
        {
            errors.Add(field, $"no {collection.TrimEnd('s')} has the id '{value}'");
        }
    }

    /// <summary>Reserves calendars, commits, then releases freed slots, records leads and aims the reminder.</summary>
    private async Task<MeetingResult> SaveAsync(MeetingState next, Actor actor, string action, bool force)
    {
        var previous = Exists ? Current : null;
        var before = previous is null ? [] : Held(previous);
        var after = Held(next);
        var reservation = await ReserveAsync(previous, next, force);
        if (reservation.Conflicts.Count > 0)
        {
            return new MeetingResult(null, CommandError.Conflict(
                "A participant already has a scheduled meeting at that time: " +
                string.Join(", ", reservation.Conflicts.Select(c => $"user {c.UserId} in '{c.Title}' ({c.Start:O} - {c.End:O})")) +
                ". Choose another time, or book anyway with force=true."), reservation.Conflicts);
        }

        try
        {
            await CommitAsync(next, actor, action);
        }
        catch
        {
            await UndoAsync(previous, reservation.Reserved);
            throw;
        }

        await ReleaseAsync([.. before.Except(after, StringComparer.Ordinal)]);
        await RecordLeadsAsync(previous is null ? [] : Booked(previous), Booked(next), actor);
        if (previous is null || previous.Start != next.Start || previous.Status != next.Status)
        {
            await SyncReminderAsync();
        }

        return MeetingResult.Ok(Current.ToDto(Id));
    }

    private sealed record Reservation(IReadOnlyList<string> Reserved, IReadOnlyList<MeetingConflict> Conflicts);

    /// <summary>
    /// Holds the new slot in the calendar of every user who needs it (new to the meeting, or the time
    /// moved). If any calendar refuses, the ones already changed are put back as they were.
    /// </summary>
    private async Task<Reservation> ReserveAsync(MeetingState? previous, MeetingState next, bool force)
    {
        var before = previous is null ? [] : Held(previous);
        var moved = previous is null || previous.Start != next.Start || previous.End != next.End || previous.Title != next.Title;
        var slot = new CalendarSlot(Id, next.Title, next.Start, next.End);
        var reserved = new List<string>();
        var conflicts = new List<MeetingConflict>();
        foreach (var userId in Held(next).Where(u => moved || !before.Contains(u, StringComparer.Ordinal)))
        {
            var found = await GrainFactory.Reference<IUserCalendarGrain>(userId).ReserveAsync(slot, force);
            if (found.Count > 0)
            {
                conflicts.AddRange(found);
            }
            else
            {
                reserved.Add(userId);
            }
        }

        if (conflicts.Count > 0)
        {
            await UndoAsync(previous, reserved);
            return new Reservation([], conflicts);
        }

        return new Reservation(reserved, []);
    }

    /// <summary>Compensation: calendars changed by a booking that did not happen get their previous slot back (or none).</summary>
    private async Task UndoAsync(MeetingState? previous, IReadOnlyList<string> changedUsers)
    {
        var before = previous is null ? [] : Held(previous);
        foreach (var userId in changedUsers)
        {
            var calendar = GrainFactory.Reference<IUserCalendarGrain>(userId);
            if (before.Contains(userId, StringComparer.Ordinal))
            {
                await calendar.ReserveAsync(new CalendarSlot(Id, previous!.Title, previous.Start, previous.End), force: true);
            }
            else
            {
                await calendar.ReleaseAsync(Id);
            }
        }
    }

    private async Task ReleaseAsync(IReadOnlyList<string> userIds)
    {
        foreach (var userId in userIds)
        {
            await GrainFactory.Reference<IUserCalendarGrain>(userId).ReleaseAsync(Id);
        }
    }

    /// <summary>Users whose calendars hold this meeting: every user participant while it is scheduled.</summary>
    private static IReadOnlyList<string> Held(MeetingState state) => state.Status == MeetingStatus.Scheduled ? state.UserIds() : [];

    /// <summary>Leads for which the meeting counts as booked engagement (anything but cancelled).</summary>
    private static IReadOnlyList<string> Booked(MeetingState state) => state.Status == MeetingStatus.Cancelled ? [] : state.LeadIds();

    private async Task RecordLeadsAsync(IReadOnlyList<string> before, IReadOnlyList<string> after, Actor actor)
    {
        foreach (var leadId in after.Except(before, StringComparer.Ordinal))
        {
            await RecordLeadAsync(leadId, booked: true, actor);
        }

        foreach (var leadId in before.Except(after, StringComparer.Ordinal))
        {
            await RecordLeadAsync(leadId, booked: false, actor);
        }
    }

    private async Task RecordLeadAsync(string leadId, bool booked, Actor actor)
    {
        // The meeting is committed; a lead deleted meanwhile has nothing left to record.
        if (await GrainFactory.Reference<ILeadGrain>(leadId).RecordMeetingAsync(Id, booked, actor) is { } error)
        {
            LogLeadNotRecorded(logger, Id, leadId, error.Message);
        }
    }

    /// <summary>Aims the reminder at <c>start - offset</c> while the meeting is scheduled and not yet announced; removes it otherwise.</summary>
    private async Task SyncReminderAsync()
    {
        var now = Timestamps.Now(Clock);
        if (Exists && Current.Status == MeetingStatus.Scheduled && Current.ReminderSentAt is null && Current.Start > now)
        {
            var due = MeetingRules.ReminderAt(Current.Start, ReminderOffset) - now;
            await this.RegisterOrUpdateReminder(MeetingNames.ReminderName, due < TimeSpan.Zero ? TimeSpan.Zero : due, ReminderPeriod);
            return;
        }

        await UnregisterReminderAsync();
    }

    private async Task UnregisterReminderAsync()
    {
        if (await this.GetReminder(MeetingNames.ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private CommandError NotFound() => CommandError.NotFound($"Meeting '{Id}' was not found.");

    private static string StoredName(ParticipantResponse response) => response switch
    {
        ParticipantResponse.NeedsAction => "needs_action",
        _ => response.ToString().ToLowerInvariant(),
    };

    [LoggerMessage(LogLevel.Information, "Reminder of meeting {MeetingId} (starts {Start:O}) recorded")]
    private static partial void LogReminderSent(ILogger logger, string meetingId, DateTime start);

    [LoggerMessage(LogLevel.Warning, "Meeting {MeetingId}: lead {LeadId} did not record the meeting ({Reason})")]
    private static partial void LogLeadNotRecorded(ILogger logger, string meetingId, string leadId, string reason);
}
