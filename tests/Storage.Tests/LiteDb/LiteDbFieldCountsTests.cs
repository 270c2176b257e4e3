using CrmChatbot.Storage.LiteDb;
using CrmChatbot.Storage.Queries;
using CrmChatbot.Storage.Tests.Conformance;
using LiteDB;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Tests.LiteDb;

/// <summary>
/// The in-memory views behind LiteDB list totals and searches (<see cref="LiteDbFieldCounts"/>,
/// <see cref="LiteDbSearchTexts"/>): writes that race the first scan, writes that bypass grain storage, and
/// many concurrent writers, each checked against LiteDB's own count of the documents.
/// </summary>
public sealed class LiteDbFieldCountsTests : IDisposable
{
    private const string C = CompoundProbeSchema.Collection;
    private static readonly DateTime T = new(2024, 3, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly string[] Statuses = ["new", "contacted", "lost"];
    private static readonly string[] Owners = ["u0", "u1", "u2"];

    private readonly LiteDbStore _store = LiteDbStore.CreateInMemory();
    private readonly LiteDbGrainStorage _storage;
    private readonly LiteDbDocumentQueries _queries;

    public LiteDbFieldCountsTests()
    {
        CompoundProbeSchema.Register();
        _store.EnsureIndexes();
        _storage = new LiteDbGrainStorage(_store);
        _queries = new LiteDbDocumentQueries(_store);
    }

    public void Dispose() => _store.Dispose();

    /// <summary>Filter sets on the counted fields (status, owner), with and without a null owner.</summary>
    public static readonly IReadOnlyList<FieldFilter[]> FilterSets =
    [
        [],
        [FieldFilter.Eq("status", "new")],
        [FieldFilter.Eq("status", "lost"), FieldFilter.Eq("owner", "u1")],
        [FieldFilter.Eq("owner", null)],
        [new FieldFilter("status", FilterOp.Ne, "contacted"), FieldFilter.In("owner", ["u0", "u2", "nobody"])],
    ];

    [Fact]
    public void Only_the_leading_equality_fields_of_compound_indexes_are_counted() =>
        Assert.Equal(["status", "owner"], LiteDbFieldCounts.CountedFields(CompoundProbeSchema.Schema).Select(f => f.Field));

    [Fact]
    public async Task Writes_that_land_while_the_first_scan_runs_are_not_lost()
    {
        Seed(300);
        var raced = 0;
        _store.FieldCounts.AfterScanForTests = _ =>
        {
            // The scan has read every document: these writes commit after it and must still count.
            _store.FieldCounts.AfterScanForTests = null;
            Task.Run(async () =>
            {
                for (var i = 0; i < 30; i++)
                {
                    await WriteAsync($"k{i:D4}", "lost", owner: null);
                }

                await ClearAsync("k0100");
                await WriteAsync("z-new", "new", "u9");
            }).GetAwaiter().GetResult();
            raced++;
        };

        await AssertTotalsMatchLiteDbAsync();
        Assert.Equal(1, raced);

        await WriteAsync("k0200", "new", "u1");
        await AssertTotalsMatchLiteDbAsync();
    }

    [Fact]
    public async Task Searches_see_writes_that_land_while_the_first_scan_runs()
    {
        Seed(200);
        _store.SearchTexts.AfterScanForTests = _ =>
        {
            _store.SearchTexts.AfterScanForTests = null;
            Task.Run(async () =>
            {
                await WriteAsync("k0007", "new", "u1", title: "Renamed during scan");
                await ClearAsync("k0008");
            }).GetAwaiter().GetResult();
        };

        var renamed = await _queries.QueryAsync<CompoundProbeState>(C, new DocumentQuery { Text = "during scan" });
        Assert.Equal("k0007", Assert.Single(renamed.Items).Id);
        var t7 = await _queries.QueryAsync<CompoundProbeState>(C, new DocumentQuery { Text = "t7" });
        Assert.Equal((10L, false), (t7.Total, t7.Items.Any(x => x.Id == "k0007"))); // t70-t79, no longer t7
        Assert.DoesNotContain("k0008", (await _queries.QueryAsync<CompoundProbeState>(C, new DocumentQuery { Text = "t8" })).Items.Select(x => x.Id));

        // Built once: a later write is applied in place, with the total of a search and a filter counted exactly.
        await WriteAsync("k0009", "new", "u1", title: "Renamed after scan");
        var query = new DocumentQuery { Filters = [FieldFilter.Eq("status", "new")], Text = "renamed", Limit = 1 };
        var page = await _queries.QueryAsync<CompoundProbeState>(C, query);
        Assert.Equal(2, page.Total);
    }

    [Fact]
    public async Task A_direct_write_followed_by_MarkChanged_is_counted()
    {
        Seed(40);
        await AssertTotalsMatchLiteDbAsync();

        _store.GetCollection(C).UpdateMany("{ state: EXTEND($.state, { status: 'lost' }) }", "$.state.status = 'new'");
        _store.MarkChanged(C);

        await AssertTotalsMatchLiteDbAsync();
        Assert.Equal(0, await _queries.CountAsync(C, [FieldFilter.Eq("status", "new")]));
    }

    [Fact]
    public async Task Totals_under_concurrent_writers_and_readers_end_equal_to_LiteDbs_count()
    {
        Seed(2000);
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var step = 0; step < 150; step++)
            {
                // Writer w owns the ids k....w (mod 6), as one grain owns its document.
                var id = $"k{(random.Next(300) * 6) + w:D4}";
                if (random.Next(8) == 0)
                {
                    await ClearAsync(id);
                }
                else
                {
                    await WriteAsync(id, Statuses[random.Next(3)], random.Next(4) == 0 ? null : Owners[random.Next(3)]);
                }
            }
        })).ToList();

        // The first count (and its scan) starts while the writers run.
        var reads = 0;
        while (writers.Any(w => !w.IsCompleted))
        {
            var page = await _queries.QueryAsync<CompoundProbeState>(C, new DocumentQuery { Filters = [FieldFilter.Eq("status", "new")], Limit = 1 });
            Assert.InRange(page.Total, 1, 2000);
            reads++;
        }

        await Task.WhenAll(writers);
        Assert.True(reads > 0);
        await AssertTotalsMatchLiteDbAsync();
    }

    private async Task AssertTotalsMatchLiteDbAsync()
    {
        foreach (var filters in FilterSets)
        {
            var expected = RealCount(filters);
            var page = await _queries.QueryAsync<CompoundProbeState>(C, new DocumentQuery { Filters = filters, Limit = 1 });
            Assert.True(expected == page.Total, $"{Describe(filters)}: page total {page.Total}, LiteDB counts {expected}");
            Assert.Equal(expected, await _queries.CountAsync(C, filters));
        }
    }

    /// <summary>LiteDB's count of the documents, evaluated over every document (no in-memory state).</summary>
    private long RealCount(IReadOnlyList<FieldFilter> filters)
    {
        var all = _store.GetCollection(C).FindAll().Select(d => d["state"]).ToList();
        return all.Count(state => filters.All(f => Matches(state, f)));
    }

    private static bool Matches(BsonValue state, FieldFilter filter)
    {
        var value = state[filter.Field];
        bool EqualTo(object? x) => x is null ? value.IsNull : value.IsString && value.AsString == (string)x;
        return filter.Op switch
        {
            FilterOp.Eq => EqualTo(filter.Value),
            FilterOp.Ne => !EqualTo(filter.Value),
            FilterOp.In => ((IEnumerable<object?>)filter.Value!).Any(EqualTo),
            _ => throw new ArgumentException(filter.Op.ToString()),
        };
    }

    private static string Describe(IReadOnlyList<FieldFilter> filters) =>
        filters.Count == 0 ? "no filter" : string.Join(" AND ", filters.Select(f => $"{f.Field} {f.Op} {f.Value}"));

    private void Seed(int count) =>
        _storage.InsertMany(C, Enumerable.Range(0, count).Select(i => KeyValuePair.Create($"k{i:D4}", new CompoundProbeState
        {
            Status = Statuses[i % 3],
            Owner = i % 7 == 0 ? null : Owners[i % 3],
            Title = $"t{i}",
            CreatedAt = T.AddMinutes(i),
        })));

    private async Task WriteAsync(string id, string status, string? owner, string? title = null)
    {
        var grain = GrainId.Create("compound", id);
        var state = new GrainState<CompoundProbeState>();
        await _storage.ReadStateAsync(C, grain, state);
        state.State.Status = status;
        state.State.Owner = owner;
        state.State.Title = title ?? state.State.Title;
        state.State.CreatedAt = T;
        await _storage.WriteStateAsync(C, grain, state);
    }

    private async Task ClearAsync(string id)
    {
        var grain = GrainId.Create("compound", id);
        var state = new GrainState<CompoundProbeState>();
        await _storage.ReadStateAsync(C, grain, state);
        if (state.RecordExists)
        {
            await _storage.ClearStateAsync(C, grain, state);
        }
    }
}
