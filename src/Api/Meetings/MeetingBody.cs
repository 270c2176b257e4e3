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
        var patch = new MeetingPatch
        {
            Title = reader.StringField("title"),
            Date = Instant(reader, "date", allowNull: false),
            End = Instant(reader, "end", allowNull: true),
            DurationMinutes = Minutes(root, reader),
            TimeZone = reader.StringField("time_zone"),
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

    /// <summary>An ISO 8601 date-time with <c>Z</c> or an offset, converted to UTC. A time without a zone is ambiguous and refused.</summary>
    private static bool TryParseInstant(string? text, out DateTime utc)
    {
        utc = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40 || !HasZone(text.Trim()) ||
            !DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        utc = parsed.UtcDateTime;
        return true;
    }

    /// <summary>Null when <paramref name="text"/> is an instant in <see cref="DateRules"/>' range (then in <paramref name="utc"/>), else the field's problem.</summary>
    public static string? InstantProblem(string? text, out DateTime utc)
    {
        if (!TryParseInstant(text, out utc))
        {
            return "must be an ISO 8601 date-time with Z or an offset, e.g. 2026-12-01T09:30:00Z";
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

    private static Optional<DateTime> Instant(JsonObjectReader reader, string field, bool allowNull)
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

        if (InstantProblem(raw.Value, out var utc) is { } problem)
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
