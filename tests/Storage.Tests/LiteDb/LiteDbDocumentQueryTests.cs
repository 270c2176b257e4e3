using CrmChatbot.Storage.LiteDb;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Tests.Conformance;
using LiteDB;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.LiteDb;

public sealed class LiteDbDocumentQueryTests : DocumentQueryConformance, IDisposable
{
    private readonly LiteDbStore _store = LiteDbStore.CreateInMemory();

    public LiteDbDocumentQueryTests()
    {
        Storage = new LiteDbGrainStorage(_store);
        Queries = new LiteDbDocumentQueries(_store);
    }

    protected override IGrainStorage Storage { get; }

    protected override IDocumentQueries Queries { get; }

    protected override Task EnsureIndexesAsync()
    {
        _store.EnsureIndexes();
        return Task.CompletedTask;
    }

    protected override Task<IReadOnlyCollection<string>> RawFieldNamesAsync(string collection, string id)
    {
        BsonDocument doc = _store.GetCollection(collection).FindById(id);
        return Task.FromResult<IReadOnlyCollection<string>>(doc.Keys.ToList());
    }

    protected override Task<IReadOnlyCollection<string>> IndexNamesAsync(string collection) =>
        Task.FromResult<IReadOnlyCollection<string>>(_store.Database.GetCollection("$indexes")
            .Find(BsonExpression.Create("collection = @0", collection)).Select(x => x["name"].AsString).ToList());

    public void Dispose() => _store.Dispose();
}

/// <summary>Which index LiteDB reads for a page, and files written before the compound indexes existed.</summary>
public sealed class LiteDbCompoundIndexTests : IDisposable
{
    private static readonly DateTime T = new(2024, 3, 1, 8, 0, 0, DateTimeKind.Utc);
    private readonly TempDirectory _dir = new();

    public LiteDbCompoundIndexTests() => CompoundProbeSchema.Register();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string?> Plans => new()
    {
        { "status newest first", "status_created_at_id" },
        { "status oldest first", "status_created_at_id" },
        { "two equality fields", "owner_status_created_at_id" },
        { "equality on null owner", "owner_status_created_at_id" },
        { "status and score range", "status_created_at_id" },
        { "status and owner in", "status_created_at_id" },
        { "text only newest first", "created_at_id" },
        { "not equal only newest first", "created_at_id" },
        { "score sort descending", "score_id" },
        { "status and time sorted by id", "status_created_at_id" },
        { "status sorted by score", null },
        { "in only newest first", null },
        { "status within a time range", "status_created_at_id" },
        { "time range only oldest first", "created_at_id" },
        { "time range and score range", null },
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public void A_page_walks_the_compound_index_in_order_when_its_filters_and_sort_match(string name, string? index)
    {
        using var store = LiteDbStore.CreateInMemory();
        store.EnsureIndexes();
        var plan = new LiteDbDocumentQueries(store).Explain<CompoundProbeState>(CompoundProbeSchema.Collection, CompoundQueryConformance.Cases[name]);

        if (index is null)
        {
            Assert.DoesNotContain("_id", plan["index"]["name"].AsString); // a single-field index, sorted in memory
            Assert.True(plan.ContainsKey("orderBy"));
        }
        else
        {
            Assert.Equal(index, plan["index"]["name"].AsString);
            Assert.False(plan.ContainsKey("orderBy"), plan.ToString()); // no in-memory sort: it stops at offset + limit
        }
    }

    [Fact]
    public async Task A_file_written_before_the_compound_indexes_gets_them_at_the_next_start_and_answers_the_same()
    {
        var query = new DocumentQuery { Filters = [new FieldFilter("status", FilterOp.Eq, "new")], Limit = 4, Offset = 2 };
        DocumentPage<CompoundProbeState> before;
        using (var store = new LiteDbStore(_dir.Path))
        {
            store.EnsureIndexes();
            var storage = new LiteDbGrainStorage(store);
            for (var i = 0; i < 12; i++)
            {
                var state = new CompoundProbeState { Status = i % 2 == 0 ? "new" : "lost", Title = $"t{i}", CreatedAt = T.AddMinutes(i % 3) };
                await storage.WriteStateAsync(CompoundProbeSchema.Collection, Orleans.Runtime.GrainId.Create("compound", $"k{i:D2}"), new Orleans.GrainState<CompoundProbeState>(state));
            }

            before = await new LiteDbDocumentQueries(store).QueryAsync<CompoundProbeState>(CompoundProbeSchema.Collection, query);

            // What an older version left: single-field indexes only.
            var collection = store.GetCollection(CompoundProbeSchema.Collection);
            foreach (var name in new[] { "status_created_at_id", "owner_status_created_at_id", "created_at_id", "score_id" })
            {
                Assert.True(collection.DropIndex(name), name);
            }
        }

        using (var reopened = new LiteDbStore(_dir.Path))
        {
            var queries = new LiteDbDocumentQueries(reopened);
            Assert.Equal("status_created_at_id", queries.Explain<CompoundProbeState>(CompoundProbeSchema.Collection, query)["index"]["name"].AsString);
            var after = await queries.QueryAsync<CompoundProbeState>(CompoundProbeSchema.Collection, query);
            Assert.Equal(before.Items.Select(x => x.Id), after.Items.Select(x => x.Id));
            Assert.Equal(["k10", "k04", "k06", "k00"], after.Items.Select(x => x.Id));
            Assert.Equal((6L, (int?)null), (after.Total, after.Next));
        }
    }
}
