using CrmChatbot.Storage.Queries;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.LiteDb;
using CrmChatbot.Users;
using LiteDB;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.LiteDb;

public sealed class LiteDbStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static GrainId Lead(string key) => GrainId.Create("lead", key);

    [Fact]
    public void Creates_the_directory_and_the_database_file()
    {
        var nested = Path.Combine(_dir.Path, "a", "b");

        using (var store = new LiteDbStore(nested))
        {
            Assert.Equal(Path.Combine(Path.GetFullPath(nested), "crm.db"), store.FilePath);
            Assert.Equal($"LiteDB file {store.FilePath}", store.Description);
            Assert.True(store.Database.UtcDate);
            Assert.Equal(System.Globalization.CompareOptions.Ordinal, store.Database.Collation.SortOptions);
        }

        Assert.True(File.Exists(Path.Combine(nested, "crm.db")));
        Assert.True(File.Exists(Path.Combine(nested, "crm.db.lock")));
    }

    [Fact]
    public async Task Data_survives_dispose_and_reopen()
    {
        string? etag;
        using (var store = new LiteDbStore(_dir.Path))
        {
            IGrainState<LeadState> state = new GrainState<LeadState>(Samples.Lead("Persistent"));
            await new LiteDbGrainStorage(store).WriteStateAsync(StorageNames.Leads, Lead("p1"), state);
            etag = state.ETag;
        }

        using (var reopened = new LiteDbStore(_dir.Path))
        {
            IGrainState<LeadState> read = new GrainState<LeadState>();
            await new LiteDbGrainStorage(reopened).ReadStateAsync(StorageNames.Leads, Lead("p1"), read);
            Assert.True(read.RecordExists);
            Assert.Equal(etag, read.ETag);
            Samples.AssertSameLead(Samples.Lead("Persistent"), read.State);
            Assert.True(reopened.Database.UtcDate);
        }
    }

    [Fact]
    public void A_second_store_on_the_same_directory_fails_with_a_clear_message()
    {
        using var first = new LiteDbStore(_dir.Path);

        var e = Assert.Throws<DataDirectoryInUseException>(() => new LiteDbStore(_dir.Path));

        Assert.Contains(Path.GetFullPath(_dir.Path), e.Message, StringComparison.Ordinal);
        Assert.Contains("in use by another process", e.Message, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(Path.GetFullPath(_dir.Path), "crm.db.lock"), e.LockFile);
        // The first store is unaffected.
        first.GetCollection("leads").Insert(new BsonDocument { ["_id"] = "still-works" });
    }

    [Fact]
    public void The_lock_is_released_on_dispose()
    {
        var first = new LiteDbStore(_dir.Path);
        first.Dispose();
        first.Dispose(); // idempotent

        using var second = new LiteDbStore(_dir.Path);
        Assert.NotNull(second.GetCollection("leads"));
    }

    [Fact]
    public void A_disposed_store_refuses_use()
    {
        var store = LiteDbStore.CreateInMemory();
        store.Dispose();
        Assert.Throws<ObjectDisposedException>(() => store.GetCollection("leads"));
    }

    [Fact]
    public void Creates_the_indexes_idempotently()
    {
        using (new LiteDbStore(_dir.Path))
        {
        }

        using var store = new LiteDbStore(_dir.Path);
        var indexes = store.Database.GetCollection("$indexes").FindAll()
            .Select(x => (Collection: x["collection"].AsString, Name: x["name"].AsString, Expr: x["expression"].AsString, Unique: x["unique"].AsBoolean))
            .ToList();

        Assert.Contains(("leads", "status", "$.state.status", false), indexes);
        Assert.Contains(("leads", "source", "$.state.source", false), indexes);
        Assert.Contains(("leads", "owner_id", "$.state.owner_id", false), indexes);
        Assert.Contains(("leads", "created_at", "$.state.created_at", false), indexes);
        Assert.Contains(("leads", "updated_at", "$.state.updated_at", false), indexes);
        Assert.Contains(("leads", "name_lower", "$.name_lower", false), indexes);
        Assert.Contains(("users", "user_id", "$.state.user_id", true), indexes);
        Assert.Contains(("users", "role", "$.state.role", false), indexes);
        Assert.Contains(("users", "created_at", "$.state.created_at", false), indexes);
    }

    [Fact]
    public async Task Reopening_a_file_from_before_the_schemas_backfills_helper_fields_and_replaces_the_legacy_index()
    {
        using (var store = new LiteDbStore(_dir.Path))
        {
            IGrainState<LeadState> state = new GrainState<LeadState>(Samples.Lead("Old Timer"));
            await new LiteDbGrainStorage(store).WriteStateAsync(StorageNames.Leads, Lead("old-1"), state);

            // What the previous version left: no helper fields, name_lower indexed as LOWER($.state.name).
            var leads = store.GetCollection("leads");
            BsonDocument doc = leads.FindById("old-1");
            doc.Remove("name_lower");
            doc.Remove("search_lower");
            leads.Update(doc);
            leads.DropIndex("name_lower");
            leads.EnsureIndex("name_lower", "LOWER($.state.name)");
        }

        using var reopened = new LiteDbStore(_dir.Path);
        BsonDocument backfilled = reopened.GetCollection("leads").FindById("old-1");
        Assert.Equal("old timer", backfilled["name_lower"].AsString);
        Assert.Equal(new BsonArray { "old timer", "ada@example.com", "analytical engines" }, backfilled["search_lower"]);
        var page = await new LeadQueries(new LiteDbDocumentQueries(reopened)).ListAsync(new LeadListQuery { Text = "TIMER" });
        Assert.Equal("old-1", Assert.Single(page.Items).Id);
        var index = reopened.Database.GetCollection("$indexes")
            .FindOne(BsonExpression.Create("collection = 'leads' AND name = 'name_lower'"));
        Assert.Equal("$.name_lower", index["expression"].AsString);
    }

    [Fact]
    public async Task Documents_are_native_snake_case_sub_documents()
    {
        using var store = LiteDbStore.CreateInMemory();
        var lead = Samples.Lead();
        lead.Status = LeadStatus.New;
        IGrainState<LeadState> state = new GrainState<LeadState>(lead);
        await new LiteDbGrainStorage(store).WriteStateAsync(StorageNames.Leads, Lead("Doc-1"), state);

        BsonDocument doc = store.GetCollection("leads").FindById("Doc-1");

        Assert.Equal(["_id", "etag", "name_lower", "search_lower", "state"], doc.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(new BsonArray { "ada lovelace", "ada@example.com", "analytical engines" }, doc["search_lower"]);
        Assert.Equal("ada lovelace", doc["name_lower"].AsString);
        Assert.Equal(state.ETag, doc["etag"].AsString);
        var s = doc["state"].AsDocument;
        Assert.Equal(
            [
                "campaign_counted", "campaign_id", "company", "converted_at", "converted_by", "created_at", "email", "email_claim", "lost_reason",
                "meeting_ids", "name", "notes", "owner_id", "pending_timeline", "phone", "phone_claim", "score", "source", "status", "updated_at", "version",
            ],
            s.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal("new", s["status"].AsString);
        Assert.Equal("referral", s["source"].AsString);
        Assert.Equal("owner-1", s["owner_id"].AsString);
        Assert.Equal(BsonType.DateTime, s["created_at"].Type);
        Assert.Equal(Samples.T0, s["created_at"].AsDateTime);
    }

    [Fact]
    public async Task User_documents_store_role_and_flags_natively()
    {
        using var store = LiteDbStore.CreateInMemory();
        var user = Samples.User("u-1", "x@y.z", "X", UserRole.Admin, isActive: false, Samples.T0);
        await new LiteDbGrainStorage(store).WriteStateAsync(StorageNames.Users, GrainId.Create("user", "x@y.z"), new GrainState<UserState>(user));

        var s = store.GetCollection("users").FindById("x@y.z")["state"].AsDocument;

        Assert.Equal("admin", s["role"].AsString);
        Assert.Equal("u-1", s["user_id"].AsString);
        Assert.False(s["is_active"].AsBoolean);
        Assert.Equal(user.PasswordHash, s["password_hash"].AsString);
    }

    [Fact]
    public async Task Update_replaces_the_whole_state_sub_document()
    {
        using var store = LiteDbStore.CreateInMemory();
        var storage = new LiteDbGrainStorage(store);
        IGrainState<LeadState> state = new GrainState<LeadState>(Samples.Lead());
        await storage.WriteStateAsync(StorageNames.Leads, Lead("n1"), state);
        // A field the current class does not write must not survive either (shallow EXTEND of "state").
        store.GetCollection("leads").UpdateMany("{ state: EXTEND($.state, { legacy: 'x' }) }", "_id = 'n1'");
        Assert.Equal("x", store.GetCollection("leads").FindById("n1")["state"]["legacy"].AsString);
        var reread = new GrainState<LeadState>();
        await storage.ReadStateAsync(StorageNames.Leads, Lead("n1"), reread);

        reread.State.Email = null;
        await storage.WriteStateAsync(StorageNames.Leads, Lead("n1"), reread);

        var s = store.GetCollection("leads").FindById("n1")["state"].AsDocument;
        Assert.True(s["email"].IsNull);
        Assert.False(s.ContainsKey("legacy"));
        Assert.Equal("Ada Lovelace", s["name"].AsString);
    }

    [Fact]
    public async Task A_unique_index_violation_is_not_reported_as_an_etag_conflict()
    {
        using var store = LiteDbStore.CreateInMemory();
        var storage = new LiteDbGrainStorage(store);
        await storage.WriteStateAsync(StorageNames.Users, GrainId.Create("user", "a@x"), new GrainState<UserState>(Samples.User("same", "a@x", "A", UserRole.Client, true, Samples.T0)));

        var e = await Assert.ThrowsAsync<LiteException>(() => storage.WriteStateAsync(
            StorageNames.Users, GrainId.Create("user", "b@x"), new GrainState<UserState>(Samples.User("same", "b@x", "B", UserRole.Client, true, Samples.T0))));

        Assert.Equal(110, e.ErrorCode);
    }

    [Fact]
    public async Task Conflict_message_names_stored_and_given_etags()
    {
        using var store = LiteDbStore.CreateInMemory();
        var storage = new LiteDbGrainStorage(store);
        IGrainState<LeadState> state = new GrainState<LeadState>(Samples.Lead());
        await storage.WriteStateAsync(StorageNames.Leads, Lead("m1"), state);
        var stored = state.ETag!;

        var e = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(
            StorageNames.Leads, Lead("m1"), new GrainState<LeadState>(Samples.Lead()) { ETag = "bogus" }));

        Assert.Contains(stored, e.Message, StringComparison.Ordinal);
        Assert.Contains("bogus", e.Message, StringComparison.Ordinal);
        Assert.Equal(stored, e.StoredEtag);
        Assert.Equal("bogus", e.CurrentEtag);
    }

    [Fact]
    public async Task Health_describes_the_file_and_answers()
    {
        var store = new LiteDbStore(_dir.Path);
        var health = new LiteDbStorageHealth(store);

        Assert.Equal($"LiteDB file {Path.Combine(Path.GetFullPath(_dir.Path), "crm.db")}", health.Describe());
        await health.CheckAsync();

        store.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => health.CheckAsync());
    }

    [Fact]
    public void Registers_every_service_over_a_shared_store()
    {
        using var store = LiteDbStore.CreateInMemory();
        var services = new ServiceCollection().AddLiteDbCrmStorage(store);
        using var provider = services.BuildServiceProvider();

        Assert.Same(store, provider.GetRequiredService<LiteDbStore>());
        Assert.IsType<LiteDbGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Crm));
        Assert.IsType<LiteDbDocumentQueries>(provider.GetRequiredService<IDocumentQueries>());
        Assert.IsType<LeadQueries>(provider.GetRequiredService<ILeadQueries>());
        Assert.IsType<UserQueries>(provider.GetRequiredService<IUserQueries>());
        Assert.IsType<LiteDbStorageHealth>(provider.GetRequiredService<IStorageHealth>());
    }

    [Fact]
    public void Registration_by_directory_opens_lazily_and_disposes_with_the_container()
    {
        var provider = new ServiceCollection().AddLiteDbCrmStorage(_dir.Path).BuildServiceProvider();
        Assert.False(File.Exists(Path.Combine(_dir.Path, "crm.db")));

        Assert.Equal($"LiteDB file {Path.Combine(Path.GetFullPath(_dir.Path), "crm.db")}", provider.GetRequiredService<IStorageHealth>().Describe());
        Assert.Throws<DataDirectoryInUseException>(() => new LiteDbStore(_dir.Path));

        provider.Dispose();
        using var reopened = new LiteDbStore(_dir.Path);
    }
}
