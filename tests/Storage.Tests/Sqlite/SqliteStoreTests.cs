using System.Text.Json.Nodes;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Sqlite;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Sqlite;

/// <summary>A lead-like state whose schema changes between two starts (a migration).</summary>
public sealed class MigratedState
{
    public string Name { get; set; } = "";
    public string? City { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>What only the SQLite store does: its file, lock, migrations, one transaction for a change and its history, backups.</summary>
public sealed class SqliteStoreTests : IDisposable
{
    private static readonly DateTime T = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);
    private readonly TempDirectory _dir = new();

    private static GrainId Lead(string key) => GrainId.Create("lead", key);

    private static TimelineEntry Entry(string leadId, long version, string action = "updated") => new()
    {
        Id = Guid.NewGuid().ToString(),
        EntityKind = "lead",
        EntityId = leadId,
        Version = version,
        At = T,
        Action = action,
    };

    [Fact]
    public void States_are_snake_case_json_with_strings_verbatim_and_nulls_written()
    {
        var json = JsonNode.Parse(SqliteJson.Serialize(new LeadState { Name = "  padded  ", Phone = "", Email = null, Status = LeadStatus.Unqualified, CreatedAt = T }))!;

        Assert.Equal("  padded  ", json["name"]!.GetValue<string>());
        Assert.Equal("", json["phone"]!.GetValue<string>());
        Assert.True(json.AsObject().ContainsKey("email"));
        Assert.Null(json["email"]);
        Assert.Equal("unqualified", json["status"]!.GetValue<string>());
        Assert.Equal("2026-12-02T10:00:00.000Z", json["created_at"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_state_with_an_unregistered_enum_is_refused_and_nothing_is_stored()
    {
        using var store = SqliteStore.CreateInMemory();
        var storage = new SqliteGrainStorage(store);

        await Assert.ThrowsAnyAsync<Exception>(() => storage.WriteStateAsync("probes", Lead("bad"), new GrainState<UnregisteredEnumState>(new())));

        var read = new GrainState<UnregisteredEnumState>();
        await storage.ReadStateAsync("probes", Lead("bad"), read);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public void SQLite_keeps_no_global_allocation_statistics_and_no_connection_mutexes()
    {
        using var store = SqliteStore.CreateInMemory();
        store.Read(s => s.Scalar("SELECT count(*) FROM sqlite_master"));

        Assert.True(SqliteStore.ProcessConfigured);
        Assert.Equal(0, SQLitePCL.raw.sqlite3_memory_used()); // counted only with the statistics on
    }

    [Fact]
    public void A_second_store_on_the_same_directory_is_refused()
    {
        using var first = new SqliteStore(_dir.Path);

        var e = Assert.Throws<DataDirectoryInUseException>(() => new SqliteStore(_dir.Path));
        Assert.Contains(_dir.Path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_old_LiteDB_file_is_refused_and_left_unchanged()
    {
        Directory.CreateDirectory(_dir.Path);
        var file = Path.Combine(_dir.Path, SqliteStore.DatabaseFileName);
        // A LiteDB 5 file starts with its header page, "** This is a LiteDB file **", not SQLite's magic string.
        var bytes = new byte[8192];
        System.Text.Encoding.ASCII.GetBytes("\0** This is a LiteDB file **").CopyTo(bytes, 0);
        File.WriteAllBytes(file, bytes);

        var e = Assert.Throws<NotASqliteDatabaseException>(() => new SqliteStore(_dir.Path));

        Assert.Contains("not a SQLite database", e.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(file));
        Assert.False(File.Exists(file + "-wal"));
        // The lock was released with the refusal: a second attempt is refused for the same reason, not as "in use".
        Assert.Throws<NotASqliteDatabaseException>(() => new SqliteStore(_dir.Path));
    }

    [Fact]
    public async Task States_timelines_and_reminders_survive_reopening_the_file()
    {
        string etag;
        using (var store = new SqliteStore(_dir.Path))
        {
            var state = new GrainState<LeadState>(Samples.Lead("Durable"));
            await new SqliteEntityStore(new SqliteGrainStorage(store)).WriteAsync(StorageNames.Leads, Lead("l1"), state, [Entry("l1", 1, "created")]);
            etag = state.ETag!;
            await new SqliteReminderTable(store).UpsertRow(new ReminderEntry { GrainId = Lead("l1"), ReminderName = "r", StartAt = T, Period = TimeSpan.FromMinutes(1) });
        }

        using (var store = new SqliteStore(_dir.Path))
        {
            var read = new GrainState<LeadState>();
            await new SqliteGrainStorage(store).ReadStateAsync(StorageNames.Leads, Lead("l1"), read);
            Assert.Equal(("Durable", etag), (read.State.Name, read.ETag));
            Assert.Equal(["created"], (await new SqliteTimelineStore(store).ListAsync("lead", "l1", 10, 0)).Items.Select(e => e.Action));
            Assert.NotNull(await new SqliteReminderTable(store).ReadRow(Lead("l1"), "r"));
            Assert.Equal(1, (await new LeadQueries(new SqliteDocumentQueries(store)).ListAsync(new LeadListQuery { Text = "durab" })).Total);
        }
    }

    [Fact]
    public async Task A_state_and_its_timeline_entries_commit_together_or_not_at_all()
    {
        using var store = SqliteStore.CreateInMemory();
        var entities = new SqliteEntityStore(new SqliteGrainStorage(store));
        var timeline = new SqliteTimelineStore(store);
        var winner = new GrainState<LeadState>(Samples.Lead("v1"));
        await entities.WriteAsync(StorageNames.Leads, Lead("l2"), winner, [Entry("l2", 1, "created")]);
        var loser = new GrainState<LeadState>(Samples.Lead("v1")) { ETag = winner.ETag, RecordExists = true };
        winner.State.Name = "v2";
        await entities.WriteAsync(StorageNames.Leads, Lead("l2"), winner, [Entry("l2", 2)]);

        loser.State.Name = "lost";
        await Assert.ThrowsAsync<InconsistentStateException>(() => entities.WriteAsync(StorageNames.Leads, Lead("l2"), loser, [Entry("l2", 2, "lost")]));

        Assert.Equal(["updated", "created"], (await timeline.ListAsync("lead", "l2", 10, 0)).Items.Select(e => e.Action));
        await entities.DeleteAsync(StorageNames.Leads, Lead("l2"), winner, [Entry("l2", 3, "deleted")]);
        Assert.Equal(["deleted", "updated", "created"], (await timeline.ListAsync("lead", "l2", 10, 0)).Items.Select(e => e.Action));
        Assert.False(winner.RecordExists);
    }

    [Fact]
    public async Task A_failing_write_fails_alone_and_the_others_of_its_batch_commit()
    {
        using var store = SqliteStore.CreateInMemory();
        var storage = new SqliteGrainStorage(store);
        var writes = Enumerable.Range(0, 50).Select(i => i == 25
            ? store.Writes.RunAsync<int>(s => throw new InvalidOperationException("boom"))
            : storage.WriteStateAsync(StorageNames.Leads, Lead($"b{i}"), new GrainState<LeadState>(Samples.Lead($"batch {i}"))).ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, TaskScheduler.Default)).ToList();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => writes[25]);
        Assert.Equal("boom", failure.Message);
        await Task.WhenAll(writes.Where((_, i) => i != 25));
        Assert.Equal(49, await new SqliteDocumentQueries(store).CountAsync(StorageNames.Leads, []));
    }

    [Fact]
    public async Task A_new_indexed_field_is_migrated_at_the_next_start_and_filled_from_the_stored_states()
    {
        var v1 = new CollectionSchema("migrated", typeof(MigratedState)) { Indexes = [IndexSpec.On(new IndexKey("created_at", true), "_id")] };
        var v2 = v1 with
        {
            SearchFields = ["name"],
            Computed = new Dictionary<string, Func<object, object?>> { ["name_lower"] = s => ((MigratedState)s).Name.ToLowerInvariant() },
            Indexes = [.. v1.Indexes, IndexSpec.On("city", new IndexKey("created_at", true)), IndexSpec.On("name_lower", "_id")],
            CountedFields = ["city"],
        };
        try
        {
            CollectionSchemas.Register(v1);
            using (var store = new SqliteStore(_dir.Path))
            {
                var storage = new SqliteGrainStorage(store);
                await storage.WriteStateAsync("migrated", Lead("m1"), new GrainState<MigratedState>(new() { Name = "Zed", City = "Oslo", CreatedAt = T }));
                await storage.WriteStateAsync("migrated", Lead("m2"), new GrainState<MigratedState>(new() { Name = "Amy", City = "Rome", CreatedAt = T.AddDays(1) }));
            }

            CollectionSchemas.Register(v2);
            for (var start = 0; start < 2; start++) // the second start finds nothing to migrate
            {
                using var store = new SqliteStore(_dir.Path);
                var queries = new SqliteDocumentQueries(store);
                Assert.Equal(1, await queries.CountAsync("migrated", [FieldFilter.Eq("city", "Oslo")]));
                var page = await queries.QueryAsync<MigratedState>("migrated", new DocumentQuery { SortField = "name_lower", Descending = false });
                Assert.Equal(["m2", "m1"], page.Items.Select(d => d.Id));
                Assert.Equal(["m1"], (await queries.QueryAsync<MigratedState>("migrated", new DocumentQuery { Text = "ze" })).Items.Select(d => d.Id));
                Assert.NotNull(store.Read(s => s.Scalar("SELECT name FROM sqlite_master WHERE name = 'migrated__ix__city_created_at'")));
                // The counts of the new counted field were computed from the stored rows.
                Assert.Equal(1L, store.Read(s => s.Scalar("SELECT n FROM migrated__counts WHERE field = 'state.city' AND value = 'Oslo'")));
                Assert.Equal(2L, store.Read(s => s.Scalar("SELECT n FROM migrated__counts WHERE field = '' AND value = ''")));
            }
        }
        finally
        {
            CollectionSchemas.Register(new CollectionSchema("migrated", typeof(MigratedState)));
        }
    }

    [Fact]
    public async Task Counts_match_the_rows_after_bulk_inserts_writes_of_changed_fields_and_clears()
    {
        using var store = SqliteStore.CreateInMemory();
        var storage = new SqliteGrainStorage(store);
        var statuses = Enum.GetValues<LeadStatus>();
        LeadState Make(int i) => new() { Name = $"L{i}", Status = statuses[i % statuses.Length], OwnerId = i % 3 == 0 ? null : $"u{i % 4}", CreatedAt = T };

        // Batches smaller than the input, so counts are adjusted per batch more than once.
        await storage.InsertManyAsync(StorageNames.Leads, Enumerable.Range(0, 250).Select(i => KeyValuePair.Create($"b{i}", Make(i))), batchSize: 64);
        AssertCountsMatchRows(store);

        var random = new Random(11);
        for (var step = 0; step < 120; step++)
        {
            var id = Lead($"b{random.Next(300)}");
            var state = new GrainState<LeadState>();
            await storage.ReadStateAsync(StorageNames.Leads, id, state);
            switch (random.Next(3))
            {
                case 0 when state.RecordExists:
                    await storage.ClearStateAsync(StorageNames.Leads, id, state);
                    break;
                case 1 when state.RecordExists:
                    state.State.Notes = $"n{step}"; // no counted field changes
                    await storage.WriteStateAsync(StorageNames.Leads, id, state);
                    break;
                default:
                    var changed = Make(random.Next(1000));
                    changed.Name = state.RecordExists ? state.State.Name : changed.Name;
                    state.State = changed;
                    await storage.WriteStateAsync(StorageNames.Leads, id, state);
                    break;
            }
        }

        AssertCountsMatchRows(store);
    }

    /// <summary>Every (field, value) count equals a count(*) of the rows, and no count is kept for a value no row holds.</summary>
    private static void AssertCountsMatchRows(SqliteStore store)
    {
        static List<string> Rows(SqliteStore store, string sql) => store.Read(s =>
        {
            var rows = new List<string>();
            using var reader = s.Command(sql).ExecuteReader();
            while (reader.Read())
            {
                rows.Add($"{reader.GetValue(0)}={reader.GetValue(1)}:{reader.GetInt64(2)}");
            }

            return rows;
        });

        var kept = Rows(store, "SELECT field, value, n FROM leads__counts WHERE n <> 0 ORDER BY field, value");
        var actual = Rows(
            store,
            "SELECT '', '', count(*) FROM leads UNION ALL " +
            "SELECT 'state.status', \"state.status\", count(*) FROM leads WHERE \"state.status\" IS NOT NULL GROUP BY 2 UNION ALL " +
            "SELECT 'state.owner_id', \"state.owner_id\", count(*) FROM leads WHERE \"state.owner_id\" IS NOT NULL GROUP BY 2 UNION ALL " +
            "SELECT 'state.source', \"state.source\", count(*) FROM leads WHERE \"state.source\" IS NOT NULL GROUP BY 2 " +
            "ORDER BY 1, 2");
        Assert.Equal(actual, kept);
    }

    [Fact]
    public async Task A_backup_taken_while_writes_go_on_holds_every_write_acknowledged_before_it()
    {
        var backup = Path.Combine(_dir.Path, "backups", "copy.db");
        var acknowledged = new List<string>();
        using (var store = new SqliteStore(_dir.Path))
        {
            var storage = new SqliteGrainStorage(store);
            using var stop = new CancellationTokenSource();
            var writer = Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    await storage.WriteStateAsync(StorageNames.Leads, Lead($"w{i}"), new GrainState<LeadState>(Samples.Lead($"write {i}")));
                    lock (acknowledged)
                    {
                        acknowledged.Add($"w{i}");
                    }
                }
            });
            while (acknowledged.Count < 200)
            {
                await Task.Delay(10);
            }

            List<string> before;
            lock (acknowledged)
            {
                before = [.. acknowledged];
            }

            store.BackupTo(backup);
            await stop.CancelAsync();
            await writer;

            acknowledged.Clear();
            acknowledged.AddRange(before);
        }

        using var restoredDir = new TempDirectory();
        Directory.CreateDirectory(restoredDir.Path);
        File.Copy(backup, Path.Combine(restoredDir.Path, SqliteStore.DatabaseFileName));
        using var restored = new SqliteStore(restoredDir.Path);
        var reads = new SqliteGrainStorage(restored);
        foreach (var id in acknowledged)
        {
            var state = new GrainState<LeadState>();
            await reads.ReadStateAsync(StorageNames.Leads, Lead(id), state);
            Assert.True(state.RecordExists, id);
        }

        Assert.Throws<IOException>(() => restored.BackupTo(backup)); // never overwrites a file
    }

    public void Dispose() => _dir.Dispose();
}
