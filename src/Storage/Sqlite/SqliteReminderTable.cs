using CrmChatbot.Storage.Reminders;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// Orleans' reminder table over the shared <see cref="SqliteStore"/>: table <see cref="ReminderFields.Collection"/>,
/// one row per reminder (columns as in <see cref="ReminderFields"/>), indexed by grain hash and grain id. Every
/// upsert writes a new etag; <see cref="RemoveRow"/> deletes on id + etag. Range reads follow Orleans' (begin, end]
/// ring rule (<see cref="ReminderHashRange"/>).
/// </summary>
public sealed class SqliteReminderTable : IReminderTable
{
    private const string Columns =
        $"id, {ReminderFields.GrainId}, {ReminderFields.ReminderName}, {ReminderFields.GrainHash}, {ReminderFields.StartAt}, {ReminderFields.PeriodTicks}, etag";

    private readonly SqliteStore _store;

    public SqliteReminderTable(SqliteStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public Task Init() => Task.CompletedTask;

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        Task.FromResult(new ReminderTableData(Select($"{ReminderFields.GrainId} = @p0", grainId.ToString())));

    public Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        var rows = new List<ReminderEntry>();
        foreach (var (low, high) in new ReminderHashRange(begin, end).Intervals)
        {
            rows.AddRange(Select($"{ReminderFields.GrainHash} BETWEEN @p0 AND @p1", low, high));
        }

        return Task.FromResult(new ReminderTableData(rows));
    }

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        Task.FromResult(Select("id = @p0", ReminderRowId.For(grainId, reminderName)).FirstOrDefault());

    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        var row = ReminderRow.ForUpsert(entry);
        return _store.Writes.RunAsync(string? (session) =>
        {
            session.Execute(
                $"INSERT INTO {ReminderFields.Collection} ({Columns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6) " +
                $"ON CONFLICT (id) DO UPDATE SET {ReminderFields.GrainId} = excluded.{ReminderFields.GrainId}, " +
                $"{ReminderFields.ReminderName} = excluded.{ReminderFields.ReminderName}, {ReminderFields.GrainHash} = excluded.{ReminderFields.GrainHash}, " +
                $"{ReminderFields.StartAt} = excluded.{ReminderFields.StartAt}, {ReminderFields.PeriodTicks} = excluded.{ReminderFields.PeriodTicks}, etag = excluded.etag",
                row.Id,
                row.GrainId,
                row.ReminderName,
                row.GrainHash,
                SqliteJson.FormatDate(row.StartAt),
                row.PeriodTicks,
                row.ETag);
            return row.ETag;
        });
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        if (eTag is null)
        {
            return Task.FromResult(false);
        }

        var id = ReminderRowId.For(grainId, reminderName);
        return _store.Writes.RunAsync(session =>
            session.Execute($"DELETE FROM {ReminderFields.Collection} WHERE id = @p0 AND etag = @p1", id, eTag) == 1);
    }

    public Task TestOnlyClearTable() => _store.Writes.RunAsync(session => session.Execute($"DELETE FROM {ReminderFields.Collection}"));

    private List<ReminderEntry> Select(string where, params object?[] args) => _store.Read(session =>
    {
        var rows = new List<ReminderEntry>();
        using var reader = session.Command($"SELECT {Columns} FROM {ReminderFields.Collection} WHERE {where}", args).ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new ReminderRow(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt64(3),
                SqliteJson.ParseDate(reader.GetString(4)),
                reader.GetInt64(5),
                reader.GetString(6)).ToEntry());
        }

        return rows;
    });
}
