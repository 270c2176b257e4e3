using CrmChatbot.Storage.Queries;
using CrmChatbot.Common;
using CrmChatbot.Leads;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Servers;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Mongo;

[Collection(MongoCollection.Name)]
public sealed class MongoStoreTests : IAsyncLifetime
{
    private readonly MongoServerFixture _fixture;
    private readonly MongoStore _store;
    private readonly MongoGrainStorage _storage;

    public MongoStoreTests(MongoServerFixture fixture)
    {
        _fixture = fixture;
        _store = fixture.NewStore("store");
        _storage = new MongoGrainStorage(_store);
    }

    public Task InitializeAsync() => _store.EnsureIndexesAsync();

    public async Task DisposeAsync()
    {
        await _fixture.Server.TryDropDatabaseAsync(_store.Options.DatabaseName);
        _store.Dispose();
    }

    private static GrainId Lead(string key) => GrainId.Create("lead", key);

    private Task<BsonDocument> RawAsync(string collection, string id) =>
        _store.GetCollection(collection).Find(new BsonDocument("_id", id)).FirstAsync();

    [Fact]
    public async Task Lead_documents_are_native_snake_case_sub_documents()
    {
        var lead = Samples.Lead();
        IGrainState<LeadState> state = new GrainState<LeadState>(lead);
        await _storage.WriteStateAsync(StorageNames.Leads, Lead("Doc-1"), state);

        var doc = await RawAsync("leads", "Doc-1");

        Assert.Equal(["_id", "etag", "name_lower", "search_lower", "state"], doc.Names.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(new BsonArray { "ada lovelace", "ada@example.com", "analytical engines" }, doc["search_lower"]);
        Assert.Equal(state.ETag, doc["etag"].AsString);
        Assert.Equal("ada lovelace", doc["name_lower"].AsString);
        var s = doc["state"].AsBsonDocument;
        Assert.Equal(
            [
                "campaign_counted", "campaign_id", "company", "converted_at", "converted_by", "created_at", "email", "email_claim", "lost_reason",
                "meeting_ids", "name", "notes", "owner_id", "pending_timeline", "phone", "phone_claim", "score", "source", "status", "updated_at", "version",
            ],
            s.Names.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(new BsonString("qualified"), s["status"]);
        Assert.Equal(new BsonString("referral"), s["source"]);
        Assert.Equal("owner-1", s["owner_id"].AsString);
        Assert.IsType<BsonDateTime>(s["created_at"]);
        Assert.Equal(Samples.T0, s["created_at"].ToUniversalTime());
        Assert.DoesNotContain(doc.Values.Concat(s.Values), v => v.BsonType == BsonType.Binary);
    }

    [Fact]
    public async Task Nulls_are_written_explicitly_and_user_documents_store_role_and_flags_natively()
    {
        var lead = Samples.Lead();
        lead.Email = null;
        await _storage.WriteStateAsync(StorageNames.Leads, Lead("n1"), new GrainState<LeadState>(lead));
        var user = Samples.User("u-1", "x@y.z", "X", UserRole.Admin, isActive: false, Samples.T0);
        await _storage.WriteStateAsync(StorageNames.Users, GrainId.Create("user", "x@y.z"), new GrainState<UserState>(user));

        var l = (await RawAsync("leads", "n1"))["state"].AsBsonDocument;
        var u = await RawAsync("users", "x@y.z");

        Assert.True(l.Contains("email"));
        Assert.Equal(BsonNull.Value, l["email"]);
        Assert.False(u.Contains("name_lower"));
        Assert.Equal(new BsonArray { "x", "x@y.z" }, u["search_lower"]);
        var s = u["state"].AsBsonDocument;
        Assert.Equal("admin", s["role"].AsString);
        Assert.Equal("u-1", s["user_id"].AsString);
        Assert.Equal(BsonBoolean.False, s["is_active"]);
        Assert.Equal(user.PasswordHash, s["password_hash"].AsString);
    }

    [Fact]
    public async Task Probe_types_map_natively_decimal128_id_as_plain_field_and_enum_list()
    {
        var probe = new ProbeState { Id = "plain", Amount = 1.5m, Status = LeadStatus.Unqualified, Tags = ["x"], MaybeAt = null };
        await _storage.WriteStateAsync("probes", Lead("p1"), new GrainState<ProbeState>(probe));

        var doc = await RawAsync("probes", "p1");
        var s = doc["state"].AsBsonDocument;

        Assert.Equal("p1", doc["_id"].AsString);
        Assert.Equal("plain", s["id"].AsString);
        Assert.Equal(BsonType.Decimal128, s["amount"].BsonType);
        Assert.Equal(BsonNull.Value, s["maybe_at"]);
        Assert.Equal(new BsonArray { "x" }, s["tags"]);
        Assert.Equal("unqualified", s["status"].AsString);
    }

    [Fact]
    public async Task Update_replaces_the_whole_document_and_unknown_fields_are_ignored_on_read()
    {
        IGrainState<LeadState> state = new GrainState<LeadState>(Samples.Lead());
        await _storage.WriteStateAsync(StorageNames.Leads, Lead("r1"), state);
        await _store.GetCollection("leads").UpdateOneAsync(
            new BsonDocument("_id", "r1"), new BsonDocument("$set", new BsonDocument { ["state.legacy"] = "x", ["top_legacy"] = 1 }));

        var reread = new GrainState<LeadState>();
        await _storage.ReadStateAsync(StorageNames.Leads, Lead("r1"), reread);
        reread.State.Name = "Renamed";
        await _storage.WriteStateAsync(StorageNames.Leads, Lead("r1"), reread);

        var doc = await RawAsync("leads", "r1");
        Assert.False(doc.Contains("top_legacy"));
        Assert.False(doc["state"].AsBsonDocument.Contains("legacy"));
        Assert.Equal("renamed", doc["name_lower"].AsString);
    }

    [Fact]
    public async Task Text_search_folds_case_of_non_ascii_letters_like_SQLite()
    {
        var lead = Samples.Lead("ÉMILE ÇA Straße");
        lead.Email = null;
        lead.Company = null;
        await _storage.WriteStateAsync(StorageNames.Leads, Lead("u1"), new GrainState<LeadState>(lead));
        var queries = new LeadQueries(new MongoDocumentQueries(_store));

        Assert.Equal(1, (await queries.ListAsync(new LeadListQuery { Text = "émile ça" })).Total);
        Assert.Equal(1, (await queries.ListAsync(new LeadListQuery { Text = "STRAßE" })).Total);
        Assert.Equal(0, (await queries.ListAsync(new LeadListQuery { Text = "ada@" })).Total);
    }

    [Fact]
    public async Task Indexes_exist_after_EnsureIndexes_and_a_second_call_is_a_no_op()
    {
        await _store.EnsureIndexesAsync();
        var leads = await IndexesAsync("leads");
        var users = await IndexesAsync("users");

        await _store.EnsureIndexesAsync();

        Assert.Equal(leads, await IndexesAsync("leads"));
        Assert.Equal(users, await IndexesAsync("users"));
        // Equality filters are served by the compound indexes that start with their field.
        Assert.Contains(leads, i => i.Name == "status_created_at" && i.Keys.StartsWith("{ \"state.status\" : 1, \"state.created_at\" : -1", StringComparison.Ordinal));
        Assert.Contains(leads, i => i.Name == "source_created_at");
        Assert.Contains(leads, i => i.Name == "owner_id_created_at");
        Assert.Contains(("created_at", "{ \"state.created_at\" : -1, \"_id\" : -1 }", false), leads);
        Assert.Contains(("updated_at", "{ \"state.updated_at\" : -1, \"_id\" : -1 }", false), leads);
        Assert.Contains(("name_lower", "{ \"name_lower\" : 1, \"_id\" : 1 }", false), leads);
        Assert.Contains(("status_created_at", "{ \"state.status\" : 1, \"state.created_at\" : -1, \"_id\" : -1 }", false), leads);
        Assert.Contains(("owner_id_created_at", "{ \"state.owner_id\" : 1, \"state.created_at\" : -1, \"_id\" : -1 }", false), leads);
        Assert.Contains(("user_id", "{ \"state.user_id\" : 1 }", true), users);
        Assert.Contains(("role", "{ \"state.role\" : 1 }", false), users);
        Assert.Contains(("created_at", "{ \"state.created_at\" : 1, \"_id\" : 1 }", false), users);
    }

    private async Task<List<(string Name, string Keys, bool Unique)>> IndexesAsync(string collection)
    {
        var cursor = await _store.GetCollection(collection).Indexes.ListAsync();
        return (await cursor.ToListAsync())
            .Select(i => (i["name"].AsString, i["key"].AsBsonDocument.ToJson(), i.GetValue("unique", false).ToBoolean()))
            .OrderBy(i => i.Item1, StringComparer.Ordinal)
            .ToList();
    }

    [Fact]
    public async Task A_unique_index_violation_is_not_reported_as_an_etag_conflict()
    {
        await _storage.WriteStateAsync(StorageNames.Users, GrainId.Create("user", "a@x"), new GrainState<UserState>(Samples.User("same", "a@x", "A", UserRole.Client, true, Samples.T0)));

        var e = await Assert.ThrowsAnyAsync<MongoException>(() => _storage.WriteStateAsync(
            StorageNames.Users, GrainId.Create("user", "b@x"), new GrainState<UserState>(Samples.User("same", "b@x", "B", UserRole.Client, true, Samples.T0))));

        Assert.True(MongoFailures.IsDuplicateKey(e));
        Assert.IsNotType<InconsistentStateException>(e);
    }

    [Fact]
    public async Task Conflict_message_names_stored_and_given_etags()
    {
        IGrainState<LeadState> state = new GrainState<LeadState>(Samples.Lead());
        await _storage.WriteStateAsync(StorageNames.Leads, Lead("m1"), state);
        var stored = state.ETag!;

        var e = await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(
            StorageNames.Leads, Lead("m1"), new GrainState<LeadState>(Samples.Lead()) { ETag = "bogus" }));

        Assert.Contains(stored, e.Message, StringComparison.Ordinal);
        Assert.Contains("bogus", e.Message, StringComparison.Ordinal);
        Assert.Equal(stored, e.StoredEtag);
        Assert.Equal("bogus", e.CurrentEtag);
    }

    [Fact]
    public async Task A_state_with_an_unregistered_enum_is_refused()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => _storage.WriteStateAsync(
            "probes", Lead("bad"), new GrainState<UnregisteredEnumState>(new UnregisteredEnumState())));
        Assert.Equal(0, await _store.GetCollection("probes").CountDocumentsAsync(new BsonDocument("_id", "bad")));
    }

    [Fact]
    public async Task Health_describes_host_port_and_database_and_pings()
    {
        var health = new MongoStorageHealth(_store);
        var url = new MongoUrl(_fixture.Server.ConnectionString);

        Assert.Equal($"MongoDB {url.Server.Host}:{url.Server.Port}/{_store.Options.DatabaseName}", health.Describe());
        await health.CheckAsync();
    }

    [Fact]
    public void Describe_never_shows_credentials_or_options()
    {
        using var store = new MongoStore(new MongoStorageOptions
        {
            ConnectionString = "mongodb://crm:s3cret-pw@db.example.com:27018/?authSource=admin&serverMonitoringMode=auto",
            DatabaseName = "crm_db",
        });

        Assert.Equal("MongoDB db.example.com:27018/crm_db", store.Description);
        Assert.DoesNotContain("s3cret", new MongoStorageHealth(store).Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Client_settings_apply_the_timeouts_and_leave_monitoring_to_the_url()
    {
        var options = new MongoStorageOptions
        {
            ConnectionString = "mongodb://127.0.0.1:27017",
            ConnectTimeout = TimeSpan.FromSeconds(2),
            ServerSelectionTimeout = TimeSpan.FromSeconds(3),
            OperationTimeout = TimeSpan.FromSeconds(4),
        };

        var settings = MongoStore.CreateClientSettings(options);
        var explicitMode = MongoStore.CreateClientSettings(options with { ConnectionString = "mongodb://127.0.0.1:27017/?serverMonitoringMode=poll" });

        Assert.Equal(TimeSpan.FromSeconds(2), settings.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.ServerSelectionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), settings.SocketTimeout);
        // Production runs real MongoDB with the driver's default; jongodb's poll mode lives in the tests' URL.
        Assert.Equal(ServerMonitoringMode.Auto, settings.ServerMonitoringMode);
        Assert.Equal(ServerMonitoringMode.Poll, explicitMode.ServerMonitoringMode);
        Assert.Equal("crm_db", new MongoStorageOptions().DatabaseName);
    }

    [Fact]
    public void An_invalid_connection_string_is_refused_without_echoing_it()
    {
        var e = Assert.Throws<ArgumentException>(() => new MongoStore(new MongoStorageOptions { ConnectionString = "mysql://user:s3cret@host" }));
        Assert.DoesNotContain("s3cret", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registers_every_service_and_creates_the_indexes_at_start()
    {
        var services = new ServiceCollection().AddMongoCrmStorage(
            new MongoStorageOptions { ConnectionString = _fixture.Server.ConnectionString, DatabaseName = TestSupport.MongoTestServer.NewDatabaseName("di") });
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<MongoStore>();
        Assert.IsType<MongoGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Crm));
        Assert.IsType<MongoDocumentQueries>(provider.GetRequiredService<IDocumentQueries>());
        Assert.IsType<LeadQueries>(provider.GetRequiredService<ILeadQueries>());
        Assert.IsType<UserQueries>(provider.GetRequiredService<IUserQueries>());
        Assert.IsType<MongoStorageHealth>(provider.GetRequiredService<IStorageHealth>());
        Assert.Same(provider.GetRequiredService<MongoIndexInitializer>(), provider.GetServices<IHostedService>().OfType<MongoIndexInitializer>().Single());
        Assert.Same(provider.GetRequiredService<MongoIndexInitializer>(), provider.GetServices<ILifecycleParticipant<ISiloLifecycle>>().OfType<MongoIndexInitializer>().Single());

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var names = await (await store.GetCollection("users").Indexes.ListAsync()).ToListAsync();
        Assert.Contains(names, i => i["name"].AsString == "user_id" && i.GetValue("unique", false).ToBoolean());
        Assert.Equal(store.Description, provider.GetRequiredService<IStorageHealth>().Describe());
    }
}
