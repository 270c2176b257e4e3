using CrmChatbot.Leads;
using CrmChatbot.Storage.Queries;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Conformance;

/// <summary>
/// The contract of <see cref="IDocumentQueries"/> over a test entity kind with its own schema. Every
/// store runs the same cases with the same expected results, so passing on all of them means the
/// stores answer identically.
/// </summary>
public abstract class DocumentQueryConformance : IAsyncLifetime
{
    private const string C = DocProbeSchema.Collection;
    private static readonly DateTime T = new(2024, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    protected DocumentQueryConformance() => DocProbeSchema.Register();

    protected abstract IGrainStorage Storage { get; }

    protected abstract IDocumentQueries Queries { get; }

    /// <summary>Creates the indexes of every registered schema (the test schema is registered late).</summary>
    protected abstract Task EnsureIndexesAsync();

    /// <summary>The top-level field names of a stored document.</summary>
    protected abstract Task<IReadOnlyCollection<string>> RawFieldNamesAsync(string collection, string id);

    protected abstract Task<IReadOnlyCollection<string>> IndexNamesAsync(string collection);

    protected static readonly IReadOnlyDictionary<string, DocProbeState> Seed = new Dictionary<string, DocProbeState>
    {
        ["d1"] = P("Alpha", "Call back re: 50% discount", "u1", 1, 1.5, 10.10m, false, LeadStatus.New, 1, 10, ["vip", "west"], ["P1", "p2"], true, 2),
        ["d2"] = P("beta", "a.b*c+d?(e)[f]", null, 2, 2.5, 20m, true, LeadStatus.Contacted, 2, null, ["west"], ["p2"], false, null),
        ["d3"] = P("Gamma", "O'Brien's_file", "u2", 2, -1, 0.5m, false, LeadStatus.New, 2, 5, [], [], false, 1),
        ["d4"] = P("alpha", null, "u1", 3, 0, 10.10m, false, LeadStatus.Lost, 4, 20, ["vip"], ["p3"], true, 3),
        ["d5"] = P("Ärger", "100% sure", "U1", 5, 99.9, 1000m, true, LeadStatus.Qualified, 5, null, ["east"], ["p1"], false, null),
        ["d6"] = P("delta", "axb", null, 0, 0.25, 3m, false, LeadStatus.New, 6, 5, ["east", "vip"], [], false, 1),
    };

    private static DocProbeState P(
        string title, string? body, string? owner, int priority, double score, decimal amount, bool closed, LeadStatus status,
        int created, int? due, List<string> tags, List<string> participants, bool breached, int? level) => new()
        {
            Title = title,
            Body = body,
            Owner = owner,
            Priority = priority,
            Score = score,
            Amount = amount,
            Closed = closed,
            Status = status,
            CreatedAt = T.AddMinutes(created),
            DueAt = due is null ? null : T.AddMinutes(due.Value),
            Tags = tags,
            ParticipantIds = participants,
            Sla = new DocProbeSla { Breached = breached, Level = level },
        };

    public virtual async Task InitializeAsync()
    {
        await EnsureIndexesAsync();

        // Inserted against id order, so that only a real _id tie-breaker passes.
        foreach (var id in Seed.Keys.Reverse())
        {
            await Storage.WriteStateAsync(C, GrainId.Create("probe", id), new GrainState<DocProbeState>(Seed[id]));
        }
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private async Task<string[]> Ids(DocumentQuery query) =>
        (await Queries.QueryAsync<DocProbeState>(C, query)).Items.Select(x => x.Id).ToArray();

    private static DocumentQuery ById(params FieldFilter[] filters) =>
        new() { Filters = filters, SortField = "_id", Descending = false };

    private static FieldFilter F(string field, FilterOp op, object? value) => new(field, op, value);

    public static readonly IReadOnlyDictionary<string, (FieldFilter[] Filters, string[] Expected)> FilterCases =
        new Dictionary<string, (FieldFilter[], string[])>
        {
            // strings (ordinal, case-sensitive)
            ["string eq"] = ([F("owner", FilterOp.Eq, "u1")], ["d1", "d4"]),
            ["string ne includes nulls"] = ([F("owner", FilterOp.Ne, "u1")], ["d2", "d3", "d5", "d6"]),
            ["string eq null"] = ([F("owner", FilterOp.Eq, null)], ["d2", "d6"]),
            ["string ne null"] = ([F("owner", FilterOp.Ne, null)], ["d1", "d3", "d4", "d5"]),
            ["string gt ordinal"] = ([F("title", FilterOp.Gt, "beta")], ["d5", "d6"]),
            ["string gte"] = ([F("title", FilterOp.Gte, "beta")], ["d2", "d5", "d6"]),
            ["string lt"] = ([F("title", FilterOp.Lt, "B")], ["d1"]),
            ["string lte"] = ([F("title", FilterOp.Lte, "Alpha")], ["d1"]),
            ["string in"] = ([FieldFilter.In("owner", ["u2", "U1"])], ["d3", "d5"]),
            ["string in with null"] = ([new FieldFilter("owner", FilterOp.In, new object?[] { null, "u2" })], ["d2", "d3", "d6"]),
            ["in empty"] = ([FieldFilter.In("owner", [])], []),
            ["string range not matching null"] = ([F("owner", FilterOp.Lt, "u2")], ["d1", "d4", "d5"]),

            // numbers
            ["int eq"] = ([F("priority", FilterOp.Eq, 2)], ["d2", "d3"]),
            ["int ne"] = ([F("priority", FilterOp.Ne, 2)], ["d1", "d4", "d5", "d6"]),
            ["int gt"] = ([F("priority", FilterOp.Gt, 2)], ["d4", "d5"]),
            ["int gte"] = ([F("priority", FilterOp.Gte, 2)], ["d2", "d3", "d4", "d5"]),
            ["int lt"] = ([F("priority", FilterOp.Lt, 2)], ["d1", "d6"]),
            ["int lte"] = ([F("priority", FilterOp.Lte, 1)], ["d1", "d6"]),
            ["int gt double"] = ([F("priority", FilterOp.Gt, 2.5)], ["d4", "d5"]),
            ["int in"] = ([FieldFilter.In("priority", [0, 5])], ["d5", "d6"]),
            ["double gt"] = ([F("score", FilterOp.Gt, 1.5)], ["d2", "d5"]),
            ["double range"] = ([F("score", FilterOp.Gte, 0), F("score", FilterOp.Lt, 2.0)], ["d1", "d4", "d6"]),
            ["double lt negative"] = ([F("score", FilterOp.Lt, 0)], ["d3"]),
            ["decimal eq"] = ([F("amount", FilterOp.Eq, 10.10m)], ["d1", "d4"]),
            ["decimal gt"] = ([F("amount", FilterOp.Gt, 15m)], ["d2", "d5"]),
            ["decimal lte"] = ([F("amount", FilterOp.Lte, 0.5m)], ["d3"]),
            ["decimal range"] = ([F("amount", FilterOp.Gt, 1m), F("amount", FilterOp.Lte, 20m)], ["d1", "d2", "d4", "d6"]),

            // bools and enums
            ["bool eq"] = ([F("closed", FilterOp.Eq, true)], ["d2", "d5"]),
            ["bool ne"] = ([F("closed", FilterOp.Ne, true)], ["d1", "d3", "d4", "d6"]),
            ["enum eq"] = ([F("status", FilterOp.Eq, LeadStatus.New)], ["d1", "d3", "d6"]),
            ["enum ne"] = ([F("status", FilterOp.Ne, LeadStatus.New)], ["d2", "d4", "d5"]),
            ["enum in"] = ([FieldFilter.In("status", [LeadStatus.Lost, LeadStatus.Qualified])], ["d4", "d5"]),

            // dates
            ["date eq"] = ([F("created_at", FilterOp.Eq, T.AddMinutes(2))], ["d2", "d3"]),
            ["date eq local kind"] = ([F("created_at", FilterOp.Eq, T.AddMinutes(2).ToLocalTime())], ["d2", "d3"]),
            ["date eq sub-millisecond"] = ([F("created_at", FilterOp.Eq, T.AddMinutes(2).AddTicks(42))], ["d2", "d3"]),
            ["date gt"] = ([F("created_at", FilterOp.Gt, T.AddMinutes(2))], ["d4", "d5", "d6"]),
            ["date range from to"] = ([F("created_at", FilterOp.Gte, T.AddMinutes(2)), F("created_at", FilterOp.Lt, T.AddMinutes(5))], ["d2", "d3", "d4"]),
            ["nullable date lt excludes nulls"] = ([F("due_at", FilterOp.Lt, T.AddMinutes(10))], ["d3", "d6"]),
            ["nullable date lte excludes nulls"] = ([F("due_at", FilterOp.Lte, T.AddMinutes(10))], ["d1", "d3", "d6"]),
            ["nullable date gt"] = ([F("due_at", FilterOp.Gt, T.AddMinutes(6))], ["d1", "d4"]),
            ["nullable date eq null"] = ([F("due_at", FilterOp.Eq, null)], ["d2", "d5"]),
            ["nullable date ne null"] = ([F("due_at", FilterOp.Ne, null)], ["d1", "d3", "d4", "d6"]),
            ["nullable date ne value"] = ([F("due_at", FilterOp.Ne, T.AddMinutes(5))], ["d1", "d2", "d4", "d5"]),

            // sub-document paths
            ["nested bool"] = ([F("sla.breached", FilterOp.Eq, true)], ["d1", "d4"]),
            ["nested null"] = ([F("sla.level", FilterOp.Eq, null)], ["d2", "d5"]),
            ["nested gte"] = ([F("sla.level", FilterOp.Gte, 2)], ["d1", "d4"]),
            ["nested lt excludes nulls"] = ([F("sla.level", FilterOp.Lt, 2)], ["d3", "d6"]),
            ["missing field eq null"] = ([F("sla.nothing", FilterOp.Eq, null)], ["d1", "d2", "d3", "d4", "d5", "d6"]),
            ["missing field range"] = ([F("sla.nothing", FilterOp.Lt, 100)], []),

            // arrays: Eq = contains
            ["array eq contains"] = ([F("tags", FilterOp.Eq, "vip")], ["d1", "d4", "d6"]),
            ["array eq case-sensitive"] = ([F("tags", FilterOp.Eq, "VIP")], []),
            ["array in any"] = ([FieldFilter.In("tags", ["east", "nothing"])], ["d5", "d6"]),
            ["array ne contains none"] = ([F("tags", FilterOp.Ne, "vip")], ["d2", "d3", "d5"]),
            ["array two contains"] = ([F("tags", FilterOp.Eq, "vip"), F("tags", FilterOp.Eq, "east")], ["d6"]),
            ["computed array eq"] = ([F(DocProbeSchema.Participants, FilterOp.Eq, "p2")], ["d1", "d2"]),
            ["computed array lower-cased"] = ([F(DocProbeSchema.Participants, FilterOp.Eq, "p1")], ["d1", "d5"]),
            ["computed array in"] = ([FieldFilter.In(DocProbeSchema.Participants, ["p3"])], ["d4"]),
            ["computed scalar"] = ([F(DocProbeSchema.TitleLower, FilterOp.Eq, "alpha")], ["d1", "d4"]),

            // combined and by id
            ["combined"] = ([F("status", FilterOp.Eq, LeadStatus.New), F("tags", FilterOp.Eq, "vip"), F("closed", FilterOp.Eq, false)], ["d1", "d6"]),
            ["id in"] = ([FieldFilter.In("_id", ["d3", "d1", "nope"])], ["d1", "d3"]),
            ["id gt"] = ([F("_id", FilterOp.Gt, "d4")], ["d5", "d6"]),
        };

    public static TheoryData<string> FilterCaseNames => [.. FilterCases.Keys];

    [Theory]
    [MemberData(nameof(FilterCaseNames))]
    public async Task Filters(string name)
    {
        var (filters, expected) = FilterCases[name];
        var page = await Queries.QueryAsync<DocProbeState>(C, ById(filters));
        Assert.Equal(expected, page.Items.Select(x => x.Id));
        Assert.Equal(expected.Length, page.Total);
        Assert.Equal(expected.Length, await Queries.CountAsync(C, filters));
    }

    [Theory]
    [InlineData("50%", new[] { "d1" })]
    [InlineData("%", new[] { "d1", "d5" })]
    [InlineData("_", new[] { "d3" })]
    [InlineData("a_b", new string[0])] // "axb" must not match
    [InlineData(".", new[] { "d2" })]
    [InlineData(".*", new string[0])]
    [InlineData("*", new[] { "d2" })]
    [InlineData("+", new[] { "d2" })]
    [InlineData("?", new[] { "d2" })]
    [InlineData("(e)", new[] { "d2" })]
    [InlineData("[f]", new[] { "d2" })]
    [InlineData("A.B*C+D?(E)[F]", new[] { "d2" })]
    [InlineData("'", new[] { "d3" })]
    [InlineData("o'brien's_", new[] { "d3" })]
    [InlineData("alpha", new[] { "d1", "d4" })]
    [InlineData("ÄRGER", new[] { "d5" })] // non-ASCII case folding
    [InlineData("u1", new[] { "d1", "d4", "d5" })] // third search field, stored upper-case on d5
    [InlineData("x", new[] { "d6" })]
    [InlineData("ab", new string[0])] // never across two fields ("alpha" + "b...")
    [InlineData("' OR 1=1 --", new string[0])]
    [InlineData("  Gamma  ", new[] { "d3" })]
    public async Task Text_is_a_literal_case_insensitive_substring_over_the_search_fields(string text, string[] expected)
    {
        var page = await Queries.QueryAsync<DocProbeState>(C, ById() with { Text = text });
        Assert.Equal(expected, page.Items.Select(x => x.Id));
        Assert.Equal(expected.Length, page.Total);
    }

    [Fact]
    public async Task Text_combines_with_filters_and_blank_text_does_not_filter()
    {
        Assert.Equal(["d4"], await Ids(ById(F("status", FilterOp.Eq, LeadStatus.Lost)) with { Text = "ALPHA" }));
        Assert.Equal(6, (await Queries.QueryAsync<DocProbeState>(C, ById() with { Text = "   " })).Total);
    }

    [Theory]
    [InlineData("priority", false, new[] { "d6", "d1", "d2", "d3", "d4", "d5" })]
    [InlineData("priority", true, new[] { "d5", "d4", "d3", "d2", "d1", "d6" })]
    [InlineData("created_at", false, new[] { "d1", "d2", "d3", "d4", "d5", "d6" })]
    [InlineData("created_at", true, new[] { "d6", "d5", "d4", "d3", "d2", "d1" })]
    [InlineData(DocProbeSchema.TitleLower, false, new[] { "d1", "d4", "d2", "d6", "d3", "d5" })]
    [InlineData(DocProbeSchema.TitleLower, true, new[] { "d5", "d3", "d6", "d2", "d4", "d1" })]
    [InlineData("due_at", false, new[] { "d2", "d5", "d3", "d6", "d1", "d4" })] // nulls first ascending
    [InlineData("due_at", true, new[] { "d4", "d1", "d6", "d3", "d5", "d2" })] // nulls last descending
    [InlineData("sla.level", false, new[] { "d2", "d5", "d3", "d6", "d1", "d4" })]
    [InlineData("score", true, new[] { "d5", "d2", "d1", "d6", "d4", "d3" })]
    [InlineData("_id", true, new[] { "d6", "d5", "d4", "d3", "d2", "d1" })]
    public async Task Sorts_by_one_field_with_id_as_tie_breaker_in_the_same_direction(string field, bool descending, string[] expected)
    {
        Assert.Equal(expected, await Ids(new DocumentQuery { SortField = field, Descending = descending }));
    }

    [Theory]
    [InlineData("priority", false, new[] { "d6", "d1", "d2", "d3", "d4", "d5" })]
    [InlineData("priority", true, new[] { "d5", "d4", "d3", "d2", "d1", "d6" })]
    [InlineData(DocProbeSchema.TitleLower, true, new[] { "d5", "d3", "d6", "d2", "d4", "d1" })]
    [InlineData("due_at", false, new[] { "d2", "d5", "d3", "d6", "d1", "d4" })] // nulls first ascending
    [InlineData("due_at", true, new[] { "d4", "d1", "d6", "d3", "d5", "d2" })] // nulls last descending
    [InlineData("sla.level", false, new[] { "d2", "d5", "d3", "d6", "d1", "d4" })]
    [InlineData("sla.level", true, new[] { "d4", "d1", "d6", "d3", "d5", "d2" })]
    [InlineData("score", true, new[] { "d5", "d2", "d1", "d6", "d4", "d3" })]
    [InlineData("_id", true, new[] { "d6", "d5", "d4", "d3", "d2", "d1" })]
    public async Task Keyset_pages_walk_the_sort_order_once_across_ties_and_nulls(string field, bool descending, string[] expected)
    {
        foreach (var pageSize in new[] { 1, 2, 4 })
        {
            var walked = new List<string>();
            var query = new DocumentQuery { SortField = field, Descending = descending, Limit = pageSize, CountTotal = false };
            for (var pages = 0; pages < 10; pages++)
            {
                var page = await Queries.QueryAsync<DocProbeState>(C, query);
                Assert.Equal(-1, page.Total); // not counted
                walked.AddRange(page.Items.Select(x => x.Id));
                if (page.Items.Count < pageSize)
                {
                    break;
                }

                query = query with { After = page.Last };
            }

            Assert.Equal(expected, walked);
        }
    }

    [Fact]
    public async Task Walks_every_match_of_filters_and_text_with_keyset_pages()
    {
        var query = new DocumentQuery { Filters = [F("status", FilterOp.Eq, LeadStatus.New)], SortField = "created_at", Descending = true };
        var walked = new List<string>();
        await foreach (var id in Queries.WalkAsync<DocProbeState, string>(C, query, d => d.Id, pageSize: 1, CancellationToken.None))
        {
            walked.Add(id);
        }

        Assert.Equal(["d6", "d3", "d1"], walked);
        await Assert.ThrowsAsync<ArgumentException>(
            () => Queries.QueryAsync<DocProbeState>(C, query with { Offset = 1, After = new KeysetPosition(null, "d1") }));
    }

    [Fact]
    public async Task Refuses_to_sort_by_an_array()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Queries.QueryAsync<DocProbeState>(C, new DocumentQuery { SortField = "tags" }));
        await Assert.ThrowsAsync<ArgumentException>(() => Queries.QueryAsync<DocProbeState>(C, new DocumentQuery { SortField = DocProbeSchema.Participants }));
    }

    [Fact]
    public async Task Pages_with_total_and_next()
    {
        var query = new DocumentQuery { SortField = "created_at", Descending = false, Limit = 4 };
        var p1 = await Queries.QueryAsync<DocProbeState>(C, query);
        var p2 = await Queries.QueryAsync<DocProbeState>(C, query with { Offset = p1.Next!.Value });
        var beyond = await Queries.QueryAsync<DocProbeState>(C, query with { Offset = 10 });

        Assert.Equal(["d1", "d2", "d3", "d4"], p1.Items.Select(x => x.Id));
        Assert.Equal((6L, 4), (p1.Total, p1.Next!.Value));
        Assert.Equal(["d5", "d6"], p2.Items.Select(x => x.Id));
        Assert.Equal((6L, (int?)null), (p2.Total, p2.Next));
        Assert.Empty(beyond.Items);
        Assert.Equal(6, beyond.Total);

        var filtered = await Queries.QueryAsync<DocProbeState>(C, query with { Filters = [F("status", FilterOp.Eq, LeadStatus.New)], Limit = 2 });
        Assert.Equal(["d1", "d3"], filtered.Items.Select(x => x.Id));
        Assert.Equal((3L, 2), (filtered.Total, filtered.Next!.Value));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, -1)]
    public async Task Rejects_invalid_paging(int limit, int offset)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Queries.QueryAsync<DocProbeState>(C, new DocumentQuery { Limit = limit, Offset = offset }));
    }

    [Theory]
    [InlineData("title = 'x' OR 1 = 1")]
    [InlineData("title;")]
    [InlineData("$where")]
    [InlineData("")]
    public async Task Rejects_field_names_that_are_not_identifiers(string field)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Queries.CountAsync(C, [F(field, FilterOp.Eq, "x")]));
        await Assert.ThrowsAsync<ArgumentException>(() => Queries.QueryAsync<DocProbeState>(C, new DocumentQuery { SortField = field }));
    }

    [Fact]
    public async Task Rejects_null_range_values_and_unsupported_value_types()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Queries.CountAsync(C, [F("priority", FilterOp.Gt, null)]));
        await Assert.ThrowsAsync<ArgumentException>(() => Queries.CountAsync(C, [F("priority", FilterOp.Eq, new object())]));
        await Assert.ThrowsAsync<ArgumentException>(() => Queries.CountAsync(C, [F("priority", FilterOp.In, 3)]));
    }

    [Fact]
    public async Task Maps_every_field_of_the_state()
    {
        var page = await Queries.QueryAsync<DocProbeState>(C, ById(F("_id", FilterOp.Eq, "d1")));
        var d1 = Assert.Single(page.Items);
        AssertSame(Seed["d1"], d1.State);
    }

    [Fact]
    public async Task FindOne_returns_the_lowest_id_match_or_null()
    {
        var found = await Queries.FindOneAsync<DocProbeState>(C, [F("owner", FilterOp.Eq, "u1")]);
        Assert.Equal("d1", found!.Id);
        AssertSame(Seed["d1"], found.State);
        Assert.Equal("d4", (await Queries.FindOneAsync<DocProbeState>(C, [F("status", FilterOp.Eq, LeadStatus.Lost)]))!.Id);
        Assert.Equal("d1", (await Queries.FindOneAsync<DocProbeState>(C, []))!.Id);
        Assert.Null(await Queries.FindOneAsync<DocProbeState>(C, [F("owner", FilterOp.Eq, "nobody")]));
    }

    [Fact]
    public async Task Count_counts_matches()
    {
        Assert.Equal(6, await Queries.CountAsync(C, []));
        Assert.Equal(3, await Queries.CountAsync(C, [F("tags", FilterOp.Eq, "vip")]));
        Assert.Equal(0, await Queries.CountAsync("no_such_collection", []));
    }

    [Fact]
    public async Task Writes_computed_and_search_fields_and_updates_them()
    {
        Assert.Equal(
            ["_id", "etag", DocProbeSchema.Participants, "search_lower", "state", DocProbeSchema.TitleLower],
            (await RawFieldNamesAsync(C, "d1")).OrderBy(x => x, StringComparer.Ordinal));

        var id = GrainId.Create("probe", "d4");
        IGrainState<DocProbeState> state = new GrainState<DocProbeState>();
        await Storage.ReadStateAsync(C, id, state);
        state.State.Title = "Omega";
        state.State.ParticipantIds = ["P9"];
        state.State.Owner = null;
        await Storage.WriteStateAsync(C, id, state);

        Assert.Equal(["d4"], await Ids(ById() with { Text = "omega" }));
        Assert.Equal(["d1"], await Ids(ById(F("owner", FilterOp.Eq, "u1")) with { Text = "alpha" }));
        Assert.Equal(["d4"], await Ids(ById(F(DocProbeSchema.Participants, FilterOp.Eq, "p9"))));
        Assert.Equal(["d5", "d4", "d3"], (await Ids(new DocumentQuery { SortField = DocProbeSchema.TitleLower, Descending = true })).Take(3));
    }

    [Fact]
    public async Task A_collection_without_schema_gets_no_helper_fields_and_still_round_trips_and_queries()
    {
        var probe = new ProbeState { Text = "Hello", Status = LeadStatus.Lost, Tags = ["a"], Amount = 1.5m, At = T };
        var id = GrainId.Create("probe", "free-1");
        await Storage.WriteStateAsync("unregistered_probes", id, new GrainState<ProbeState>(probe));

        IGrainState<ProbeState> read = new GrainState<ProbeState>();
        await Storage.ReadStateAsync("unregistered_probes", id, read);
        Assert.True(read.RecordExists);
        Assert.Equal(("Hello", LeadStatus.Lost, 1.5m, T), (read.State.Text, read.State.Status, read.State.Amount, read.State.At));
        Assert.Equal(["a"], read.State.Tags);
        Assert.Equal(["_id", "etag", "state"], (await RawFieldNamesAsync("unregistered_probes", "free-1")).OrderBy(x => x, StringComparer.Ordinal));

        var page = await Queries.QueryAsync<ProbeState>(
            "unregistered_probes", new DocumentQuery { Filters = [F("status", FilterOp.Eq, LeadStatus.Lost), F("tags", FilterOp.Eq, "a")], SortField = "at" });
        Assert.Equal("free-1", Assert.Single(page.Items).Id);
        Assert.Equal(0, (await Queries.QueryAsync<ProbeState>("unregistered_probes", new DocumentQuery { Text = "hello", SortField = "at" })).Total);
    }

    [Fact]
    public async Task Creates_the_schema_indexes_idempotently()
    {
        await EnsureIndexesAsync();
        var names = await IndexNamesAsync(C);
        Assert.Contains("status", names.Select(n => n.StartsWith("status", StringComparison.Ordinal) ? "status" : n));
        Assert.Contains("tags", names);
        Assert.Contains(DocProbeSchema.Participants, names);
        Assert.Contains("sla_breached", names);
        Assert.Contains(DocProbeSchema.TitleLower, names);
        Assert.Contains("due_at", names);
    }

    private static void AssertSame(DocProbeState expected, DocProbeState actual)
    {
        Assert.Equal(
            (expected.Title, expected.Body, expected.Owner, expected.Priority, expected.Score, expected.Amount, expected.Closed, expected.Status),
            (actual.Title, actual.Body, actual.Owner, actual.Priority, actual.Score, actual.Amount, actual.Closed, actual.Status));
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(DateTimeKind.Utc, actual.CreatedAt.Kind);
        Assert.Equal(expected.DueAt, actual.DueAt);
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.ParticipantIds, actual.ParticipantIds);
        Assert.Equal((expected.Sla.Breached, expected.Sla.Level), (actual.Sla.Breached, actual.Sla.Level));
    }
}
