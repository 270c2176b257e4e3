using System.Globalization;
using System.Text.Json;
using CrmChatbot.Api.Http;
using CrmChatbot.Common;
using CrmChatbot.Meetings;

namespace CrmChatbot.Api.Meetings;

/// <summary>
/// Reads a meeting body strictly. Scalars go through <see cref="JsonObjectReader"/>; the number and
/// the participant list are read from the element here, with the same field-named problems.
/// </summary>
public static class MeetingBody
{
    private static readonly string[] ReadOnlyFields =
        ["id", "organizer_id", "reminder_sent_at", "created_at", "updated_at", "version"];

    private static readonly string[] ParticipantRefs = ["user_id", "lead_id", "email"];

    public static MeetingPatch Read(JsonElement root, JsonObjectReader reader)
    {
        // A date-time without a zone (what the original API's clients send: Python's isoformat()) is read in the
        // meeting's time_zone when the body names a known one, else as UTC, as the original stored it.
        var timeZone = reader.StringField("time_zone");
        var naiveZone = timeZone is { HasValue: true, Value: { } id } && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
        var patch = new MeetingPatch
        {
            Title = reader.StringField("title"),
            Date = Instant(reader, "date", allowNull: false, naiveZone),
            End = Instant(reader, "end", allowNull: true, naiveZone),
            DurationMinutes = Minutes(root, reader),
            TimeZone = timeZone,
            Location = reader.StringField("location"),
            MeetingUrl = reader.StringField("meeting_url"),
            Status = reader.EnumField<MeetingStatus>("status", allowNull: false),
            Participants = Participants(root, reader),
            Notes = reader.StringField("notes"),
            LeadId = reader.StringField("lead_id"),
            TicketId = reader.StringField("ticket_id"),
        };
        reader.RejectUnknownFields(ReadOnlyFields);
        return patch;
    }

    /// <summary>
    /// An ISO 8601 date-time converted to UTC: with <c>Z</c> or an offset; without a zone only when
    /// <paramref name="naiveZone"/> says where it is (else it is ambiguous and refused).
    /// </summary>
    private static bool TryParseInstant(string? text, TimeZoneInfo? naiveZone, out DateTime utc)
    {
        utc = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40)
        {
            return false;
        }

        var trimmed = text.Trim();
        if (HasZone(trimmed))
        {
            if (!DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                return false;
            }

            utc = parsed.UtcDateTime;
            return true;
        }

        if (naiveZone is null || trimmed.IndexOf('T', StringComparison.OrdinalIgnoreCase) < 0 ||
            !DateTime.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (naiveZone.IsInvalidTime(local))
        {
            return false; // a wall-clock time skipped by a daylight-saving change
        }

        utc = TimeZoneInfo.ConvertTimeToUtc(local, naiveZone);
        return true;
    }

    /// <summary>
    /// Null when <paramref name="text"/> is an instant in <see cref="DateRules"/>' range (then in <paramref name="utc"/>), else the
    /// field's problem. A time without a zone is accepted only with <paramref name="naiveZone"/> (read in that zone).
    /// </summary>
    public static string? InstantProblem(string? text, out DateTime utc, TimeZoneInfo? naiveZone = null)
    {
        if (!TryParseInstant(text, naiveZone, out utc))
        {
            return naiveZone is null
                ? "must be an ISO 8601 date-time with Z or an offset, e.g. 2026-12-01T09:30:00Z"
                : "must be an ISO 8601 date-time, e.g. 2026-12-01T09:30:00Z (without a zone it is read in time_zone, else as UTC)";
        }

        return DateRules.InRange(utc) ? null : DateRules.OutOfRange;
    }

    private static bool HasZone(string text)
    {
        if (text.EndsWith('Z') || text.EndsWith('z'))
        {
            return true;
        }

        var t = text.IndexOf('T', StringComparison.OrdinalIgnoreCase);
        var time = t < 0 ? "" : text[(t + 1)..];
        return time.Contains('+', StringComparison.Ordinal) || time.Contains('-', StringComparison.Ordinal);
    }

    private static Optional<DateTime> Instant(JsonObjectReader reader, string field, bool allowNull, TimeZoneInfo naiveZone)
    {
        var raw = reader.StringField(field);
        if (!raw.HasValue || reader.Problems.Has(field))
        {
            return Optional<DateTime>.Absent;
        }

        if (raw.Value is null)
        {
            if (!allowNull)
            {
                reader.Problems.Add(field, "must not be null");
            }

            return Optional<DateTime>.Absent;
        }

        if (InstantProblem(raw.Value, out var utc, naiveZone) is { } problem)
        {
            reader.Problems.Add(field, problem);
            return Optional<DateTime>.Absent;
        }

        return Optional<DateTime>.Of(utc);
    }

    private static Optional<int> Minutes(JsonElement root, JsonObjectReader reader)
    {
        const string field = "duration_minutes";
        if (!reader.Has(field))
        {
            return Optional<int>.Absent;
        }

        var value = root.GetProperty(field);
        if (value.ValueKind == JsonValueKind.Null)
        {
            return Optional<int>.Absent;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var minutes))
        {
            return Optional<int>.Of(minutes);
        }

        reader.Problems.Add(field, "must be a whole number of minutes");
        return Optional<int>.Absent;
    }

    /// <summary>
    /// An array of participants, each a plain string as the original API took them (a user id, a lead id, an email or a
    /// display name: the meeting grain resolves it) or an object with one of user_id, lead_id, email and an optional response.
    /// </summary>
    private static Optional<IReadOnlyList<ParticipantInput>> Participants(JsonElement root, JsonObjectReader reader)
    {
        const string field = "participants";
        if (!reader.Has(field))
        {
            return Optional<IReadOnlyList<ParticipantInput>>.Absent;
        }

        var value = root.GetProperty(field);
        if (value.ValueKind == JsonValueKind.Null)
        {
            return Optional<IReadOnlyList<ParticipantInput>>.Of([]);
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            reader.Problems.Add(field, "must be an array");
            return Optional<IReadOnlyList<ParticipantInput>>.Absent;
        }

        var inputs = new List<ParticipantInput>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var name = $"{field}[{index++}]";
            if (item.ValueKind == JsonValueKind.String)
            {
                inputs.Add(ParticipantInput.Text(item.GetString() ?? ""));
                continue;
            }

            if (item.ValueKind != JsonValueKind.Object)
            {
                reader.Problems.Add(name, "must be a string (a user id, lead id, email or name) or an object with user_id, lead_id or email");
                continue;
            }

            if (ReadParticipant(item, name, reader.Problems) is { } input)
            {
                inputs.Add(input);
            }
        }

        return Optional<IReadOnlyList<ParticipantInput>>.Of(inputs);
    }

    private static ParticipantInput? ReadParticipant(JsonElement item, string name, FieldProblems problems)
    {
        var itemReader = new JsonObjectReader(item, new FieldProblems());
        var refs = ParticipantRefs.Select(r => (Field: r, Value: itemReader.StringField(r))).Where(r => r.Value.HasValue).ToList();
        var response = itemReader.EnumField<ParticipantResponse>("response");
        _ = itemReader.Has("name"); // echoed back by clients that send a participant as they read it
        _ = itemReader.Has("kind");
        _ = itemReader.Has("is_organizer");
        itemReader.RejectUnknownFields();
        foreach (var (key, messages) in itemReader.Problems.ToDictionary())
        {
            foreach (var message in messages)
            {
                problems.Add($"{name}.{key}", message);
            }
        }

        // user_id wins over lead_id over email, so a participant read from a meeting can be sent back as it is.
        var given = refs.Where(r => !string.IsNullOrWhiteSpace(r.Value.Value)).ToList();
        if (given.Count == 0)
        {
            if (!itemReader.Problems.Any)
            {
                problems.Add(name, "must have one of user_id, lead_id, email");
            }

            return null;
        }

        var kind = given[0].Field switch
        {
            "user_id" => ParticipantKind.User,
            "lead_id" => ParticipantKind.Lead,
            _ => ParticipantKind.Email,
        };
        return new ParticipantInput(kind, given[0].Value.Value!, response.HasValue ? response.Value : null);
    }
}
