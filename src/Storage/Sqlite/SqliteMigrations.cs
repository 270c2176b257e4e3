using CrmChatbot.Chat;
using CrmChatbot.Storage.Reminders;
using CrmChatbot.Storage.Timeline;

namespace CrmChatbot.Storage.Sqlite;

/// <summary>
/// Creates and migrates the tables, idempotently, on the writer connection (each step inside the writer's
/// transaction). The table <c>crm_schema</c> records the store version and each collection's layout
/// (<see cref="SqliteLayout.Signature"/>): an unchanged layout costs one lookup; a changed one adds the missing
/// columns, fills them from the stored states, rebuilds the search index and replaces changed indexes.
/// </summary>
internal static class SqliteMigrations
{
    private const string StoreKey = "$store";

    /// <summary>Documents recomputed per statement batch during a backfill.</summary>
    private const int BackfillChunk = 1000;

    public static int CreateStoreTables(SqliteSession session)
    {
        session.ExecuteOnce("CREATE TABLE IF NOT EXISTS crm_schema (name TEXT PRIMARY KEY, version TEXT NOT NULL) WITHOUT ROWID");
        var stored = session.Scalar("SELECT version FROM crm_schema WHERE name = @p0", StoreKey) as string;
        var current = SqliteNames.Invariant(SqliteStore.StoreVersion);
        if (stored == current)
        {
            return 0;
        }

        if (stored is not null && string.CompareOrdinal(stored, current) > 0)
        {
            throw new InvalidOperationException(
                $"The database was written by a newer version of the service (store version {stored}, this one knows {current}).");
        }

        session.ExecuteOnce(
            $"CREATE TABLE IF NOT EXISTS {TimelineDocuments.Collection} (id TEXT PRIMARY KEY, {TimelineDocuments.EntityKey} TEXT NOT NULL, " +
            $"{TimelineDocuments.At} TEXT NOT NULL, {TimelineDocuments.Version} INTEGER NOT NULL, doc TEXT NOT NULL) WITHOUT ROWID");
        session.ExecuteOnce(
            $"CREATE INDEX IF NOT EXISTS timeline__entity ON {TimelineDocuments.Collection} " +
            $"({TimelineDocuments.EntityKey}, {TimelineDocuments.At} DESC, {TimelineDocuments.Version} DESC, id DESC)");
        session.ExecuteOnce(
            $"CREATE TABLE IF NOT EXISTS {ReminderFields.Collection} (id TEXT PRIMARY KEY, {ReminderFields.GrainId} TEXT NOT NULL, " +
            $"{ReminderFields.ReminderName} TEXT NOT NULL, {ReminderFields.GrainHash} INTEGER NOT NULL, {ReminderFields.StartAt} TEXT NOT NULL, " +
            $"{ReminderFields.PeriodTicks} INTEGER NOT NULL, etag TEXT NOT NULL) WITHOUT ROWID");
        session.ExecuteOnce($"CREATE INDEX IF NOT EXISTS reminders__grain_hash ON {ReminderFields.Collection} ({ReminderFields.GrainHash})");
        session.ExecuteOnce($"CREATE INDEX IF NOT EXISTS reminders__grain_id ON {ReminderFields.Collection} ({ReminderFields.GrainId})");
        // Store version 2: ticket comments left the ticket documents for their own table.
        SqliteTicketCommentStore.Create(session);
        // Store version 3: the event outbox of webhooks.
        SqliteEventOutbox.Create(session);
        // Store version 4: the webhook subscriptions' queues.
        SqliteWebhookQueue.Create(session);
        // Store version 5: archived chat messages left the one-document-per-session archive for rows.
        SqliteChatSessionStore.Create(session);
        MigrateLegacyTranscripts(session);
        session.Execute("INSERT INTO crm_schema (name, version) VALUES (@p0, @p1) ON CONFLICT (name) DO UPDATE SET version = excluded.version", StoreKey, current);
        return 1;
    }

    /// <summary>
    /// Moves every archive document of <c>chat_transcripts</c> (builds before store version 5) into <c>chat_messages</c>
    /// rows numbered against its session (<see cref="ChatArchive.FromLegacy"/>), then drops the old table: in the
    /// migration's transaction, so an interrupted start-up leaves the old table whole and the next one redoes it.
    /// </summary>
    private static void MigrateLegacyTranscripts(SqliteSession session)
    {
        const string legacy = ChatStorage.LegacyTranscripts;
        if (session.Scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @p0", legacy) is null)
        {
            return;
        }

        var hasSessions = session.Scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @p0", ChatStorage.Sessions) is not null;
        var archives = new List<(string Id, string Doc)>();
        using (var reader = session.Command($"SELECT id, doc FROM {SqliteNames.Quote(legacy)}").ExecuteReader())
        {
            while (reader.Read())
            {
                archives.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (id, doc) in archives)
        {
            var owner = hasSessions && session.Scalar($"SELECT doc FROM {SqliteNames.Quote(ChatStorage.Sessions)} WHERE id = @p0", id) is string json
                ? SqliteJson.Deserialize<ChatSessionState>(json)
                : null;
            var rows = ChatArchive.FromLegacy(id, owner, SqliteJson.Deserialize<ChatTranscriptState>(doc));
            SqliteChatSessionStore.Insert(session, SqliteChatSessionStore.ToRows(rows));
        }

        session.ExecuteOnce($"DROP TABLE {SqliteNames.Quote(legacy)}");
        session.ExecuteOnce($"DROP TABLE IF EXISTS {SqliteNames.Quote(legacy + "__counts")}");
        session.Execute("DELETE FROM crm_schema WHERE name = @p0", legacy);
    }

    public static int Migrate(SqliteSession session, SqliteLayout layout)
    {
        var name = layout.Schema.Name;
        var exists = session.Scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @p0", name) is not null;
        if (exists && session.Scalar("SELECT version FROM crm_schema WHERE name = @p0", name) as string == layout.Signature)
        {
            return 0;
        }

        session.ExecuteOnce(layout.CreateTable);
        var present = new HashSet<string>(StringComparer.Ordinal);
        using (var info = session.Connection.CreateCommand())
        {
            info.CommandText = $"SELECT name FROM pragma_table_info({SqliteNames.Literal(name)})";
            using var reader = info.ExecuteReader();
            while (reader.Read())
            {
                present.Add(reader.GetString(0));
            }
        }

        var added = false;
        if (layout.Searched && !present.Contains("search_text"))
        {
            session.ExecuteOnce($"ALTER TABLE {layout.Table} ADD COLUMN search_text");
            added = true;
        }

        foreach (var column in layout.Columns.Where(c => !present.Contains(c.Field.Path)))
        {
            session.ExecuteOnce($"ALTER TABLE {layout.Table} ADD COLUMN {column.Name}");
            added = true;
        }

        if (added && exists)
        {
            Backfill(session, layout);
        }

        // Indexes of ours that are gone from the schema or changed are dropped; the wanted ones are (re)created.
        var indexes = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var list = session.Connection.CreateCommand())
        {
            list.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = @t AND name LIKE @prefix ESCAPE '\\'";
            list.Parameters.AddWithValue("@t", name);
            list.Parameters.AddWithValue("@prefix", name.Replace("_", "\\_", StringComparison.Ordinal) + "\\_\\_ix\\_\\_%");
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                indexes[SqliteNames.Quote(reader.GetString(0))] = reader.IsDBNull(1) ? "" : reader.GetString(1);
            }
        }

        foreach (var array in layout.ArrayIndexes)
        {
            indexes.Remove(SqliteNames.Quote(array.RawName + "__rid")); // the element table's own index
            var hadTable = session.Scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @p0", array.RawName) is not null;
            session.ExecuteOnce(array.CreateTable);
            session.ExecuteOnce(array.CreateRidIndex);
            if (!hadTable || added)
            {
                session.ExecuteOnce($"DELETE FROM {array.Table}");
                session.ExecuteOnce(
                    $"INSERT OR IGNORE INTO {array.Table} (value, rid) SELECT j.value, t.rid FROM {layout.Table} t, json_each(t.{array.Column.Name}) j " +
                    "WHERE j.value IS NOT NULL");
            }
        }

        foreach (var (index, sql) in indexes)
        {
            if (!layout.Indexes.Any(i => i.Name == index && i.Sql == sql))
            {
                session.ExecuteOnce($"DROP INDEX {index}");
            }
        }

        foreach (var (index, sql) in layout.Indexes)
        {
            if (!indexes.TryGetValue(index, out var existing) || existing != sql)
            {
                session.ExecuteOnce(sql);
            }
        }

        if (layout.CreateFts is not null)
        {
            var hadFts = session.Scalar("SELECT 1 FROM sqlite_master WHERE name = @p0", name + "__fts") is not null;
            session.ExecuteOnce(layout.CreateFts);
            if (!hadFts || added)
            {
                session.ExecuteOnce($"INSERT INTO {layout.FtsTable} ({layout.FtsTable}) VALUES ('rebuild')");
            }
        }

        MigrateCounts(session, layout);
        session.Execute(
            "INSERT INTO crm_schema (name, version) VALUES (@p0, @p1) ON CONFLICT (name) DO UPDATE SET version = excluded.version",
            name,
            layout.Signature);
        session.ForgetCommands(); // statements prepared against the old table definition
        return 1;
    }

    /// <summary>
    /// Creates the counts table and recomputes the counts (after any backfill); drops the triggers that kept them in
    /// builds of 2026-12-06 (grain storage adjusts the counts now), and the table when the schema counts nothing.
    /// </summary>
    private static void MigrateCounts(SqliteSession session, SqliteLayout layout)
    {
        var triggers = new List<string>();
        using (var list = session.Connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = @t AND name LIKE @prefix ESCAPE '\\'";
            list.Parameters.AddWithValue("@t", layout.Schema.Name);
            list.Parameters.AddWithValue("@prefix", layout.CountsRawName.Replace("_", "\\_", StringComparison.Ordinal) + "\\_\\_%");
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                triggers.Add(reader.GetString(0));
            }
        }

        foreach (var trigger in triggers)
        {
            session.ExecuteOnce($"DROP TRIGGER {SqliteNames.Quote(trigger)}");
        }

        if (layout.CountsDdl.Count == 0)
        {
            session.ExecuteOnce($"DROP TABLE IF EXISTS {layout.CountsTable}");
            return;
        }

        foreach (var sql in layout.CountsDdl)
        {
            session.ExecuteOnce(sql);
        }

        foreach (var sql in layout.RebuildCounts())
        {
            session.ExecuteOnce(sql);
        }
    }

    /// <summary>Recomputes the helper columns of every stored document from its state (new columns start empty).</summary>
    private static void Backfill(SqliteSession session, SqliteLayout layout)
    {
        var sets = new List<string>();
        if (layout.Searched)
        {
            sets.Add("search_text");
        }

        sets.AddRange(layout.Columns.Select(c => c.Name));
        var update = $"UPDATE {layout.Table} SET " +
            string.Join(", ", sets.Select((s, i) => $"{s} = {SqliteSession.ParameterName(i + 1)}")) + " WHERE rid = @p0";
        long after = -1;
        while (true)
        {
            var chunk = new List<(long Rid, string Doc)>(BackfillChunk);
            using (var read = session.Connection.CreateCommand())
            {
                read.CommandText = $"SELECT rid, doc FROM {layout.Table} WHERE rid > @after ORDER BY rid LIMIT {BackfillChunk}";
                read.Parameters.AddWithValue("@after", after);
                using var reader = read.ExecuteReader();
                while (reader.Read())
                {
                    chunk.Add((reader.GetInt64(0), reader.GetString(1)));
                }
            }

            foreach (var (rid, doc) in chunk)
            {
                var state = SqliteJson.Deserialize(doc, layout.Schema.StateType);
                session.Execute(update, [rid, .. layout.HelperValues(state)]);
            }

            if (chunk.Count < BackfillChunk)
            {
                return;
            }

            after = chunk[^1].Rid;
        }
    }
}
