using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Reminders;

/// <summary>
/// A reminder row in store-neutral form (see <see cref="ReminderFields"/>): what a store writes and
/// reads back. Converts to and from Orleans' <see cref="ReminderEntry"/>.
/// </summary>
public sealed record ReminderRow(
    string Id,
    string GrainId,
    string ReminderName,
    long GrainHash,
    DateTime StartAt,
    long PeriodTicks,
    string ETag)
{
    /// <summary>
    /// The row for <paramref name="entry"/> with a NEW etag (the entry's own etag is ignored: an upsert
    /// always writes a fresh one). <see cref="ReminderEntry.StartAt"/> is stored in UTC: a Local time is
    /// converted, an Unspecified one is taken as UTC (Orleans always passes UTC).
    /// </summary>
    public static ReminderRow ForUpsert(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.ReminderName);
        return new ReminderRow(
            ReminderRowId.For(entry.GrainId, entry.ReminderName),
            entry.GrainId.ToString(),
            entry.ReminderName,
            HashOf(entry.GrainId),
            ToUtc(entry.StartAt),
            entry.Period.Ticks,
            ReminderETags.New());
    }

    public ReminderEntry ToEntry() => new()
    {
        GrainId = Orleans.Runtime.GrainId.Parse(GrainId),
        ReminderName = ReminderName,
        StartAt = ToUtc(StartAt),
        Period = TimeSpan.FromTicks(PeriodTicks),
        ETag = ETag,
    };

    /// <summary>The stored hash of a grain: <see cref="GrainId.GetUniformHashCode"/> widened to <see cref="long"/>.</summary>
    public static long HashOf(GrainId grainId) => grainId.GetUniformHashCode();

    public static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };
}

/// <summary>Reminder etags: opaque, unique per upsert.</summary>
public static class ReminderETags
{
    public static string New() => ETags.New();
}
