using CrmChatbot.Storage.Queries;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Conformance;

/// <summary>An entity kind whose lists are filtered for equality and sorted, as every CRM list is.</summary>
public sealed class CompoundProbeState
{
    public string Status { get; set; } = "";
    public string? Owner { get; set; }
    public int Score { get; set; }
    public string Title { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

public static class CompoundProbeSchema
{
    public const string Collection = "compound_probes";

    public static CollectionSchema Schema { get; } = new(Collection, typeof(CompoundProbeState))
    {
        SearchFields = ["title"],
        Indexes =
        [
            IndexSpec.On("status"),
            IndexSpec.On("owner"),
            IndexSpec.On(new IndexKey("created_at", true), new IndexKey("_id", true)),
            IndexSpec.On("score", "_id"),
            IndexSpec.On("status", new IndexKey("created_at", true), new IndexKey("_id", true)),
            IndexSpec.On("owner", "status", new IndexKey("created_at", true), new IndexKey("_id", true)),
        ],
    };

    public static void Register() => CollectionSchemas.Register(Schema);
}

/// <summary>
/// List queries that the stores answer from compound indexes (equality filters + sort + page), checked
/// against the same query evaluated in memory: ties on the sort key, both directions, offsets at and past
/// the end, extra filters beside the index, text search, and totals that follow writes.
/// </summary>
public abstract class CompoundQueryConformance : IAsyncLifetime
{
    private const string C = CompoundProbeSchema.Collection;
    private static readonly DateTime T = new(2024, 3, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly string[] Statuses = ["new", "contacted", "lost"];

    /// <summary>60 documents, 7 distinct creation times (many ties), owners u0..u3 or none.</summary>
    protected static readonly IReadOnlyDictionary<string, CompoundProbeState> Seed = Enumerable.Range(0, 60).ToDictionary(
        i => $"c{i:D2}",
        i => new CompoundProbeState
        {
            Status = Statuses[i % 3],
            Owner = i % 5 == 4 ? null : $"u{i % 4}",
            Score = (i * 37) % 100,
            Title = i % 4 == 0 ? $"Acme deal {i}" : $"Other {i}",
            CreatedAt = T.AddMinutes((i * 3) % 7),
        });

    protected CompoundQueryConformance() => CompoundProbeSchema.Register();

    protected abstract IGrainStorage Storage { get; }

    protected abstract IDocumentQueries Queries { get; }

    protected abstract Task EnsureIndexesAsync();

    public virtual async Task InitializeAsync()
    {
        await EnsureIndexesAsync();
        foreach (var (id, state) in Seed.Reverse())
        {
            await Storage.WriteStateAsync(C, GrainId.Create("compound", id), new GrainState<CompoundProbeState>(state));
        }
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_search_finds_documents_whose_search_text_is_too_long_for_an_index_key()
    {
        var longTitle = "Acme " + new string('x', 700) + " tail-word";
        await Storage.WriteStateAsync(C, GrainId.Create("compound", "zz-long"), new GrainState<CompoundProbeState>(
            new CompoundProbeState { Status = "new", Title = longTitle, CreatedAt = T.AddDays(2) }));

        var tail = await Queries.QueryAsync<CompoundProbeState>(C, new DocumentQuery { Text = "TAIL-WORD" });
        Assert.Equal(("zz-long", 1L), (Assert.Single(tail.Items).Id, tail.Total));

        var all = Seed.ToDictionary(x => x.Key, x => x.Value);
        all["zz-long"] = new CompoundProbeState { Status = "new", Title = longTitle, CreatedAt = T.AddDays(2) };
        foreach (var name in new[] { "text only newest first", "status and text" })
        {
            var page = await Queries.QueryAsync<CompoundProbeState>(C, Cases[name]);
            var (ids, total) = Evaluate(all, Cases[name]);
            Assert.Equal(ids, page.Items.Select(x => x.Id).ToArray());
            Assert.Equal(total, page.Total);
        }
    }

    private static FieldFilter F(string field, FilterOp op, object? value) => new(field, op, value);

    public static readonly IReadOnlyDictionary<string, DocumentQuery> Cases = new Dictionary<string, DocumentQuery>
    {
        ["status newest first"] = new() { Filters = [F("status", FilterOp.Eq, "new")], Limit = 7 },
        ["status newest first offset 5"] = new() { Filters = [F("status", FilterOp.Eq, "new")], Limit = 7, Offset = 5 },
        ["status last partial page"] = new() { Filters = [F("status", FilterOp.Eq, "new")], Limit = 7, Offset = 14 },
        ["status offset at end"] = new() { Filters = [F("status", FilterOp.Eq, "new")], Limit = 5, Offset = 20 },
        ["status offset past end"] = new() { Filters = [F("status", FilterOp.Eq, "new")], Limit = 5, Offset = 25 },
        ["status oldest first"] = new() { Filters = [F("status", FilterOp.Eq, "lost")], Descending = false, Limit = 9, Offset = 3 },
        ["status no match"] = new() { Filters = [F("status", FilterOp.Eq, "converted")], Limit = 5 },
        ["two equality fields"] = new() { Filters = [F("status", FilterOp.Eq, "contacted"), F("owner", FilterOp.Eq, "u1")], Limit = 3 },
        ["two equality fields ascending"] = new() { Filters = [F("owner", FilterOp.Eq, "u2"), F("status", FilterOp.Eq, "new")], Descending = false, Limit = 50 },
        ["equality on null owner"] = new() { Filters = [F("owner", FilterOp.Eq, null), F("status", FilterOp.Eq, "new")], Limit = 50 },
        ["status and score range"] = new() { Filters = [F("status", FilterOp.Eq, "new"), F("score", FilterOp.Gte, 50)], Limit = 4, Offset = 2 },
        ["status and owner not equal"] = new() { Filters = [F("status", FilterOp.Eq, "lost"), F("owner", FilterOp.Ne, "u3")], Limit = 6 },
        ["status and owner in"] = new() { Filters = [F("status", FilterOp.Eq, "lost"), FieldFilter.In("owner", ["u0", "u1"])], Limit = 50 },
        ["status and text"] = new() { Filters = [F("status", FilterOp.Eq, "new")], Text = "ACME", Limit = 3 },
        ["contradicting equalities"] = new() { Filters = [F("status", FilterOp.Eq, "new"), F("status", FilterOp.Eq, "lost")], Limit = 5 },
        ["text only newest first"] = new() { Text = "acme", Limit = 4, Offset = 4 },
        ["not equal only newest first"] = new() { Filters = [F("status", FilterOp.Ne, "new")], Limit = 8, Offset = 30 },
        ["in only newest first"] = new() { Filters = [FieldFilter.In("status", ["new", "lost"])], Limit = 8 },
        ["score sort descending"] = new() { SortField = "score", Limit = 10, Offset = 5 },
        ["status sorted by score"] = new() { Filters = [F("status", FilterOp.Eq, "new")], SortField = "score", Descending = false, Limit = 10 },
        ["status and time sorted by id"] = new() { Filters = [F("status", FilterOp.Eq, "new"), F("created_at", FilterOp.Eq, T.AddMinutes(3))], SortField = "_id", Descending = false, Limit = 50 },
        ["status within a time range"] = new() { Filters = [F("status", FilterOp.Eq, "new"), F("created_at", FilterOp.Gt, T.AddMinutes(1)), F("created_at", FilterOp.Lte, T.AddMinutes(5))], Limit = 50 },
        ["time range only oldest first"] = new() { Filters = [F("created_at", FilterOp.Gte, T.AddMinutes(2)), F("created_at", FilterOp.Lt, T.AddMinutes(4))], Descending = false, Limit = 6, Offset = 1 },
        ["time range and score range"] = new() { Filters = [F("created_at", FilterOp.Gte, T.AddMinutes(2)), F("score", FilterOp.Gte, 60)], Limit = 50 },
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Pages_match_the_same_query_evaluated_in_memory(string name)
    {
        var query = Cases[name];
        var (expected, total) = Evaluate(Seed, query);

        var page = await Queries.QueryAsync<CompoundProbeState>(C, query);

        Assert.Equal(expected, page.Items.Select(x => x.Id).ToArray());
        Assert.Equal(total, page.Total);
        Assert.Equal(query.Offset + query.Limit < total ? query.Offset + query.Limit : null, page.Next);
    }

    [Fact]
    public async Task Every_page_of_a_status_list_together_is_the_whole_list_in_order()
    {
        var filters = new[] { F("status", FilterOp.Eq, "contacted") };
        var seen = new List<string>();
        for (var offset = 0; ; offset += 3)
        {
            var page = await Queries.QueryAsync<CompoundProbeState>(C, new DocumentQuery { Filters = filters, Limit = 3, Offset = offset });
            seen.AddRange(page.Items.Select(x => x.Id));
            if (page.Next is null)
            {
                break;
            }
        }

        Assert.Equal(Evaluate(Seed, new DocumentQuery { Filters = filters, Limit = 100 }).Ids, seen);
    }

    [Fact]
    public async Task Totals_follow_writes_and_clears()
    {
        var query = new DocumentQuery { Filters = [F("status", FilterOp.Eq, "new")], Limit = 2 };
        Assert.Equal(20, (await Queries.QueryAsync<CompoundProbeState>(C, query)).Total);
        Assert.Equal(20, await Queries.CountAsync(C, query.Filters));

        var added = new GrainState<CompoundProbeState>(new CompoundProbeState { Status = "new", Title = "late", CreatedAt = T.AddDays(1) });
        await Storage.WriteStateAsync(C, GrainId.Create("compound", "z-new"), added);
        var afterInsert = await Queries.QueryAsync<CompoundProbeState>(C, query);
        Assert.Equal(21, afterInsert.Total);
        Assert.Equal("z-new", afterInsert.Items[0].Id);
        Assert.Equal(21, await Queries.CountAsync(C, query.Filters));

        added.State.Status = "lost";
        await Storage.WriteStateAsync(C, GrainId.Create("compound", "z-new"), added);
        Assert.Equal(20, (await Queries.QueryAsync<CompoundProbeState>(C, query)).Total);

        var c00 = new GrainState<CompoundProbeState>();
        await Storage.ReadStateAsync(C, GrainId.Create("compound", "c00"), c00);
        await Storage.ClearStateAsync(C, GrainId.Create("compound", "c00"), c00);
        Assert.Equal(19, (await Queries.QueryAsync<CompoundProbeState>(C, query)).Total);
        Assert.Equal(19, await Queries.CountAsync(C, query.Filters));
    }

    /// <summary>Totals of full pages (so they are counted, not read off a short page) for filters on the indexed fields and beside them.</summary>
    private static readonly DocumentQuery[] CountedQueries =
    [
        new() { Filters = [F("status", FilterOp.Eq, "new")], Limit = 1 },
        new() { Filters = [F("status", FilterOp.Eq, "lost"), F("owner", FilterOp.Eq, "u1")], Limit = 1 },
        new() { Filters = [F("owner", FilterOp.Eq, null), F("status", FilterOp.Eq, "new")], Limit = 1 },
        new() { Filters = [F("status", FilterOp.Ne, "new")], Limit = 1 },
        new() { Filters = [FieldFilter.In("owner", ["u0", "u9"]), F("status", FilterOp.Eq, "contacted")], Limit = 1 },
        new() { Filters = [F("status", FilterOp.Eq, "new"), F("score", FilterOp.Gte, 50)], Limit = 1 },
        new() { Filters = [F("status", FilterOp.Eq, "new")], Text = "acme", Limit = 1 },
        new() { Limit = 1 },
    ];

    [Fact]
    public async Task Totals_follow_upserts_that_move_a_document_between_filtered_values()
    {
        var docs = Seed.ToDictionary(x => x.Key, x => x.Value);
        async Task AssertTotals(string when)
        {
            foreach (var query in CountedQueries)
            {
                var expected = Evaluate(docs, query).Total;
                Assert.True(expected == (await Queries.QueryAsync<CompoundProbeState>(C, query)).Total, $"{when}: total of {Describe(query)}");
                if (query.Text is null)
                {
                    Assert.True(expected == await Queries.CountAsync(C, query.Filters), $"{when}: count of {Describe(query)}");
                }
            }
        }

        await AssertTotals("seeded");

        // Status and owner change, owner to none, a new owner value, a clear and a re-insert of the same id.
        var c07 = await ReadAsync("c07");
        c07.State.Status = "new";
        c07.State.Owner = "u9";
        await Storage.WriteStateAsync(C, GrainId.Create("compound", "c07"), c07);
        docs["c07"] = c07.State;
        await AssertTotals("after moving c07");

        var c01 = await ReadAsync("c01");
        c01.State.Owner = null;
        c01.State.Status = "new";
        await Storage.WriteStateAsync(C, GrainId.Create("compound", "c01"), c01);
        docs["c01"] = c01.State;
        await AssertTotals("after c01 lost its owner");

        var c03 = await ReadAsync("c03");
        await Storage.ClearStateAsync(C, GrainId.Create("compound", "c03"), c03);
        docs.Remove("c03");
        await AssertTotals("after clearing c03");

        var again = new CompoundProbeState { Status = "lost", Owner = "u1", Title = "Acme again", CreatedAt = T };
        await Storage.WriteStateAsync(C, GrainId.Create("compound", "c03"), new GrainState<CompoundProbeState>(again));
        docs["c03"] = again;
        await AssertTotals("after re-inserting c03");

        // A write with the same values changes nothing.
        var c10 = await ReadAsync("c10");
        await Storage.WriteStateAsync(C, GrainId.Create("compound", "c10"), c10);
        await AssertTotals("after rewriting c10 unchanged");
    }

    [Fact]
    public async Task Totals_after_concurrent_writers_equal_the_real_count()
    {
        var docs = new System.Collections.Concurrent.ConcurrentDictionary<string, CompoundProbeState?>(
            Seed.Select(x => KeyValuePair.Create(x.Key, (CompoundProbeState?)x.Value)));
        var query = new DocumentQuery { Filters = [F("status", FilterOp.Eq, "new")], Limit = 1 };
        using var stop = new CancellationTokenSource();

        // Each writer owns its ids (as one grain owns its document): status changes, clears and re-inserts.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var step = 0; step < 25; step++)
            {
                var id = $"c{(random.Next(15) * 4) + w:D2}";
                var grain = GrainId.Create("compound", id);
                var current = await ReadAsync(id);
                if (current.RecordExists && random.Next(5) == 0)
                {
                    await Storage.ClearStateAsync(C, grain, current);
                    docs[id] = null;
                    continue;
                }

                current.State.Status = Statuses[random.Next(Statuses.Length)];
                current.State.CreatedAt = T;
                await Storage.WriteStateAsync(C, grain, current);
                docs[id] = current.State;
            }
        })).ToList();
        var reader = Task.Run(async () =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested || reads == 0)
            {
                var total = (await Queries.QueryAsync<CompoundProbeState>(C, query)).Total;
                Assert.InRange(total, 0, 60);
                reads++;
            }

            return reads;
        });

        await Task.WhenAll(writers);
        await stop.CancelAsync();
        Assert.True(await reader > 0);

        var final = docs.Where(x => x.Value is not null).ToDictionary(x => x.Key, x => x.Value!);
        Assert.Equal(Evaluate(final, query).Total, (await Queries.QueryAsync<CompoundProbeState>(C, query)).Total);
        Assert.Equal(Evaluate(final, query).Total, await Queries.CountAsync(C, query.Filters));
        Assert.Equal(final.Count, (await Queries.QueryAsync<CompoundProbeState>(C, new DocumentQuery { Limit = 1 })).Total);
    }

    private async Task<GrainState<CompoundProbeState>> ReadAsync(string id)
    {
        var state = new GrainState<CompoundProbeState>();
        await Storage.ReadStateAsync(C, GrainId.Create("compound", id), state);
        return state;
    }

    private static string Describe(DocumentQuery query) =>
        string.Join(" AND ", query.Filters.Select(f => $"{f.Field} {f.Op} {f.Value}")) + (query.Text is null ? "" : $" text {query.Text}");

    [Fact]
    public async Task Searches_follow_writes_and_clears()
    {
        var query = new DocumentQuery { Text = "acme", Limit = 3 };
        Assert.Equal(15, (await Queries.QueryAsync<CompoundProbeState>(C, query)).Total);

        var added = new GrainState<CompoundProbeState>(new CompoundProbeState { Status = "new", Title = "New ACME order", CreatedAt = T.AddDays(1) });
        await Storage.WriteStateAsync(C, GrainId.Create("compound", "z-acme"), added);
        var afterInsert = await Queries.QueryAsync<CompoundProbeState>(C, query);
        Assert.Equal((16L, "z-acme"), (afterInsert.Total, afterInsert.Items[0].Id));

        added.State.Title = "renamed";
        await Storage.WriteStateAsync(C, GrainId.Create("compound", "z-acme"), added);
        Assert.Equal(15, (await Queries.QueryAsync<CompoundProbeState>(C, query)).Total);
        Assert.Equal("z-acme", Assert.Single((await Queries.QueryAsync<CompoundProbeState>(C, query with { Text = "RENAMED" })).Items).Id);

        var c00 = new GrainState<CompoundProbeState>();
        await Storage.ReadStateAsync(C, GrainId.Create("compound", "c00"), c00);
        await Storage.ClearStateAsync(C, GrainId.Create("compound", "c00"), c00);
        var afterClear = await Queries.QueryAsync<CompoundProbeState>(C, query with { Limit = 50 });
        Assert.Equal(14, afterClear.Total);
        Assert.DoesNotContain("c00", afterClear.Items.Select(x => x.Id));
    }

    /// <summary>The reference semantics: filters, case-insensitive text, sort key then id (ordinal), both in the query's direction.</summary>
    protected static (string[] Ids, long Total) Evaluate(IReadOnlyDictionary<string, CompoundProbeState> docs, DocumentQuery query)
    {
        var matching = docs.Where(d => query.Filters.All(f => Matches(d.Value, f)) &&
            (query.Text is null || d.Value.Title.Contains(query.Text, StringComparison.OrdinalIgnoreCase))).ToList();
        IComparable? Key(KeyValuePair<string, CompoundProbeState> d) => query.SortField switch
        {
            "created_at" => d.Value.CreatedAt,
            "score" => d.Value.Score,
            "_id" => d.Key,
            _ => throw new ArgumentException(query.SortField),
        };
        var ordered = query.Descending
            ? matching.OrderByDescending(Key).ThenByDescending(d => d.Key, StringComparer.Ordinal)
            : matching.OrderBy(Key).ThenBy(d => d.Key, StringComparer.Ordinal);
        return ([.. ordered.Skip(query.Offset).Take(query.Limit).Select(d => d.Key)], matching.Count);
    }

    private static bool Matches(CompoundProbeState state, FieldFilter filter)
    {
        object? value = filter.Field switch
        {
            "status" => state.Status,
            "owner" => state.Owner,
            "score" => state.Score,
            "created_at" => state.CreatedAt,
            _ => throw new ArgumentException(filter.Field),
        };
        return filter.Op switch
        {
            FilterOp.Eq => Equals(value, filter.Value),
            FilterOp.Ne => !Equals(value, filter.Value),
            FilterOp.In => ((IEnumerable<object>)filter.Value!).Contains(value),
            FilterOp.Gt => Comparer<object>.Default.Compare(value, filter.Value) > 0,
            FilterOp.Gte => Comparer<object>.Default.Compare(value, filter.Value) >= 0,
            FilterOp.Lt => Comparer<object>.Default.Compare(value, filter.Value) < 0,
            FilterOp.Lte => Comparer<object>.Default.Compare(value, filter.Value) <= 0,
            _ => throw new ArgumentException(filter.Op.ToString()),
        };
    }
}
