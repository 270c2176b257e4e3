using CrmChatbot.Common;
using Microsoft.Data.Sqlite;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// Orleans grain storage over <see cref="SqliteStore"/>. One table per state name (<see cref="SqliteLayout"/>);
/// each grain is one row: its key, an etag, the state as snake_case JSON and the helper columns lists query.
/// Every write is a compare-and-swap on the writer thread: the stored etag is read and the row changed in one
/// transaction, so a stale etag (or a first write of an existing id) throws <see cref="InconsistentStateException"/>
/// and overwrites nothing. Only helper columns whose value changed are written (an unchanged column costs no
/// index update).
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage
{
    private readonly SqliteStore _store;

    public SqliteGrainStorage(SqliteStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>The row id of a grain: its key string.</summary>
    public static string DocumentId(GrainId grainId) => grainId.Key.ToString()!;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var layout = _store.Layout(stateName, typeof(T));
        var id = DocumentId(grainId);
        var row = _store.Read(session =>
        {
            using var reader = session.Command($"SELECT etag, doc FROM {layout.Table} WHERE id = @p0", id).ExecuteReader();
            return reader.Read() ? (ETag: reader.GetString(0), Doc: reader.GetString(1)) : default;
        });
        if (row.ETag is null)
        {
            GrainStates.Reset(grainState);
        }
        else
        {
            grainState.State = SqliteJson.Deserialize<T>(row.Doc);
            grainState.ETag = row.ETag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        return WriteAsync(stateName, grainId, grainState, []);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        return ClearAsync(stateName, grainId, grainState, []);
    }

    /// <summary>
    /// Writes the state and, in the same transaction, the timeline entries and the rows of <paramref name="alongside"/>
    /// (rows of another table that must commit with the change): all commit, or none.
    /// </summary>
    internal async Task WriteAsync<T>(
        string stateName, GrainId grainId, IGrainState<T> grainState, IReadOnlyList<TimelineEntry> timeline, Action<SqliteSession>? alongside = null)
    {
        var layout = _store.Layout(stateName, typeof(T));
        var id = DocumentId(grainId);
        var doc = SqliteJson.Serialize(grainState.State);
        var (helpers, elements) = layout.Helpers(grainState.State);
        var entries = SqliteTimelineStore.ToRows(timeline);
        var expected = grainState.ETag;
        var newETag = ETags.New();

        var stored = await _store.Writes.RunAsync(session =>
        {
            var current = ReadForWrite(session, layout, id);
            if (current?.ETag != expected)
            {
                return (Written: false, Stored: current?.ETag);
            }

            if (current is null)
            {
                Insert(session, layout, id, newETag, doc, helpers, elements);
                layout.AdjustCounts(session, null, helpers);
            }
            else
            {
                Update(session, layout, current.Value, newETag, doc, helpers, elements);
            }

            SqliteTimelineStore.Insert(session, entries);
            alongside?.Invoke(session);
            return (Written: true, Stored: (string?)newETag);
        }).ConfigureAwait(false);

        if (!stored.Written)
        {
            throw GrainStates.Conflict("write", stateName, id, stored.Stored, expected, null);
        }

        grainState.ETag = newETag;
        grainState.RecordExists = true;
    }

    /// <summary>Stores timeline entries and the rows of <paramref name="alongside"/> in one transaction, without a state (an outbox's rows).</summary>
    internal Task AppendAsync(IReadOnlyList<TimelineEntry> timeline, Action<SqliteSession>? alongside)
    {
        var entries = SqliteTimelineStore.ToRows(timeline);
        return _store.Writes.RunAsync(session =>
        {
            var inserted = SqliteTimelineStore.Insert(session, entries);
            alongside?.Invoke(session);
            return inserted;
        });
    }

    /// <summary>Deletes the row if its etag is the expected one and, in the same transaction, stores the timeline entries.</summary>
    internal async Task ClearAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, IReadOnlyList<TimelineEntry> timeline)
    {
        var layout = _store.Layout(stateName, typeof(T));
        var id = DocumentId(grainId);
        var expected = grainState.ETag;
        var entries = SqliteTimelineStore.ToRows(timeline);

        var conflict = await _store.Writes.RunAsync(session =>
        {
            var current = ReadForWrite(session, layout, id);
            if (current is null)
            {
                // Never stored or already gone: the outcome the caller asked for (a delete it never read is none).
                SqliteTimelineStore.Insert(session, entries);
                return (Conflict: false, Stored: (string?)null);
            }

            if (current.Value.ETag != expected)
            {
                return (Conflict: true, Stored: current.Value.ETag);
            }

            if (layout.Searched && current.Value.Helpers[0] is { } oldText)
            {
                session.Execute($"INSERT INTO {layout.FtsTable} ({layout.FtsTable}, rowid, search_text) VALUES ('delete', @p0, @p1)", current.Value.Rid, oldText);
            }

            foreach (var array in layout.ArrayIndexes)
            {
                session.Execute($"DELETE FROM {array.Table} WHERE rid = @p0", current.Value.Rid);
            }

            session.Execute($"DELETE FROM {layout.Table} WHERE rid = @p0", current.Value.Rid);
            layout.AdjustCounts(session, current.Value.Helpers, null);
            SqliteTimelineStore.Insert(session, entries);
            return (Conflict: false, Stored: (string?)null);
        }).ConfigureAwait(false);

        if (conflict.Conflict)
        {
            throw GrainStates.Conflict("clear", stateName, id, conflict.Stored, expected, null);
        }

        GrainStates.Reset(grainState);
    }

    /// <summary>
    /// Inserts new grain rows in one transaction per batch, laid out exactly as <see cref="WriteStateAsync"/> writes
    /// them (seeding and imports: 100,000 leads in seconds). Throws when an id exists; nothing of that batch is written.
    /// </summary>
    public async Task<int> InsertManyAsync<T>(string stateName, IEnumerable<KeyValuePair<string, T>> states, int batchSize = 5000)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateName);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var layout = _store.Layout(stateName, typeof(T));
        var inserted = 0;
        foreach (var batch in states.Chunk(batchSize))
        {
            var rows = batch.Select(x => (Id: x.Key, Doc: SqliteJson.Serialize(x.Value), Helpers: layout.Helpers(x.Value))).ToList();
            inserted += await _store.Writes.RunAsync(session =>
            {
                // One adjustment per counted value for the whole batch.
                var counts = new Dictionary<(string Field, object Value), long>();
                foreach (var (id, doc, helpers) in rows)
                {
                    Insert(session, layout, id, ETags.New(), doc, helpers.Values, helpers.Elements);
                    layout.CountDeltas(null, helpers.Values, counts);
                }

                layout.ApplyCounts(session, counts);
                return rows.Count;
            }).ConfigureAwait(false);
        }

        return inserted;
    }

    private readonly record struct StoredRow(long Rid, string ETag, object?[] Helpers);

    private static StoredRow? ReadForWrite(SqliteSession session, SqliteLayout layout, string id)
    {
        using var reader = session.Command(layout.SelectForWrite, id).ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var helpers = new object?[reader.FieldCount - 2];
        for (var i = 0; i < helpers.Length; i++)
        {
            helpers[i] = reader.IsDBNull(i + 2) ? null : reader.GetValue(i + 2);
        }

        return new StoredRow(reader.GetInt64(0), reader.GetString(1), helpers);
    }

    /// <summary>Inserts a row with its search entry and element rows; the caller adjusts the counts.</summary>
    private static void Insert(SqliteSession session, SqliteLayout layout, string id, string etag, string doc, object?[] helpers, List<object>[] elements)
    {
        session.Execute(layout.Insert, [id, etag, doc, .. helpers]);
        var rid = (long)session.Scalar("SELECT last_insert_rowid()")!;
        if (layout.Searched && helpers[0] is not null)
        {
            session.Execute($"INSERT INTO {layout.FtsTable} (rowid, search_text) VALUES (@p0, @p1)", rid, helpers[0]);
        }

        for (var a = 0; a < layout.ArrayIndexes.Count; a++)
        {
            InsertElements(session, layout.ArrayIndexes[a], rid, elements[a]);
        }
    }

    private static void InsertElements(SqliteSession session, SqliteArrayIndex array, long rid, List<object> elements)
    {
        foreach (var element in elements)
        {
            session.Execute($"INSERT INTO {array.Table} (value, rid) VALUES (@p0, @p1)", element, rid);
        }
    }

    private static void Update(
        SqliteSession session, SqliteLayout layout, StoredRow current, string etag, string doc, object?[] helpers, List<object>[] elements)
    {
        // The SET list names only the helper columns whose value changed: SQLite then leaves the other indexes alone.
        var names = layout.Searched ? ["search_text", .. layout.Columns.Select(c => c.Name)] : layout.Columns.Select(c => c.Name).ToArray();
        var args = new List<object?> { current.Rid, etag, doc };
        var sql = new System.Text.StringBuilder($"UPDATE {layout.Table} SET etag = @p1, doc = @p2");
        var searchChanged = false;
        for (var i = 0; i < helpers.Length; i++)
        {
            if (!Equals(current.Helpers[i], helpers[i]))
            {
                sql.Append(", ").Append(names[i]).Append(" = ").Append(SqliteSession.ParameterName(args.Count));
                args.Add(helpers[i]);
                searchChanged |= layout.Searched && i == 0;
            }
        }

        sql.Append(" WHERE rid = @p0");
        if (searchChanged && current.Helpers[0] is { } oldText)
        {
            session.Execute($"INSERT INTO {layout.FtsTable} ({layout.FtsTable}, rowid, search_text) VALUES ('delete', @p0, @p1)", current.Rid, oldText);
        }

        session.Execute(sql.ToString(), [.. args]);
        layout.AdjustCounts(session, current.Helpers, helpers);

        var offset = layout.Searched ? 1 : 0;
        for (var a = 0; a < layout.ArrayIndexes.Count; a++)
        {
            var column = offset + layout.Columns.ToList().IndexOf(layout.ArrayIndexes[a].Column);
            if (!Equals(current.Helpers[column], helpers[column]))
            {
                session.Execute($"DELETE FROM {layout.ArrayIndexes[a].Table} WHERE rid = @p0", current.Rid);
                InsertElements(session, layout.ArrayIndexes[a], current.Rid, elements[a]);
            }
        }
        if (searchChanged && helpers[0] is not null)
        {
            session.Execute($"INSERT INTO {layout.FtsTable} (rowid, search_text) VALUES (@p0, @p1)", current.Rid, helpers[0]);
        }
    }

    /// <summary>True for SQLite's UNIQUE-constraint failure (e.g. a second user with one user id).</summary>
    internal static bool IsUniqueViolation(Exception e) => e is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };
}
