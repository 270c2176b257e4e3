namespace CrmChatbot.Storage.Reminders;

/// <summary>
/// The layout of a reminder row, the same in every store. Collection <see cref="Collection"/>, one
/// document per (grain, reminder name):
/// <code>
/// { _id: "&lt;grain id&gt;/&lt;escaped reminder name&gt;",   // see ReminderRowId
///   grain_id: "&lt;GrainId.ToString()&gt;",               // "type/key", parsed back with GrainId.Parse
///   reminder_name: "&lt;name&gt;",
///   grain_hash: &lt;GrainId.GetUniformHashCode() as a 64-bit integer, 0..4294967295&gt;,
///   start_at: &lt;UTC date, millisecond precision&gt;,
///   period_ticks: &lt;TimeSpan.Ticks, 64-bit integer&gt;,
///   etag: "&lt;opaque string, new on every upsert&gt;" }
/// </code>
/// Indexes: <see cref="GrainHash"/> (range reads) and <see cref="GrainId"/> (per-grain reads).
/// </summary>
public static class ReminderFields
{
    public const string Collection = "reminders";

    public const string Id = DocumentFields.Id;
    public const string GrainId = "grain_id";
    public const string ReminderName = "reminder_name";

    /// <summary>The grain's uniform hash code, a <see cref="uint"/> stored as a 64-bit integer so that range comparisons are unsigned.</summary>
    public const string GrainHash = "grain_hash";

    public const string StartAt = "start_at";
    public const string PeriodTicks = "period_ticks";
    public const string ETag = DocumentFields.ETag;
}
