using CrmChatbot.Common;
using CrmChatbot.Leads;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Conformance;

/// <summary>
/// The contract of <see cref="ILeadQueries"/>. A store's test class supplies a grain storage and the
/// queries over ONE fresh, empty store per test instance; the leads are seeded through the grain storage.
/// </summary>
public abstract class LeadQueryConformance : IAsyncLifetime
{
    private static readonly DateTime T = new(2024, 3, 1, 9, 0, 0, DateTimeKind.Utc);

    protected abstract IGrainStorage Storage { get; }

    protected abstract ILeadQueries Queries { get; }

    /// <summary>The seeded leads, by id. Created and updated minutes are chosen to produce ties.</summary>
    protected static readonly IReadOnlyDictionary<string, LeadState> Seed = new Dictionary<string, LeadState>
    {
        ["l1"] = L("Alice Martin", "alice@example.com", "Acme", LeadStatus.New, LeadSource.Website, "u1", 1, 10),
        ["l2"] = L("bob O'Brien", "bob@obrien.ie", "50% Off Ltd", LeadStatus.Contacted, LeadSource.Referral, "u2", 2, 9),
        ["l3"] = L("Carol", null, "a_b Corp", LeadStatus.Qualified, LeadSource.Chatbot, "u1", 2, 8),
        ["l4"] = L("dave", "DAVE@EXAMPLE.COM", null, LeadStatus.New, LeadSource.Chatbot, null, 4, 7),
        ["l5"] = L("Emile Zola", "emile@zola.fr", "Acme 500", LeadStatus.Lost, LeadSource.Event, "u2", 5, 7),
        ["l6"] = L("alice martin", null, "axb Ltd", LeadStatus.Converted, LeadSource.Website, "u1", 6, 6),
        ["l7"] = L("Zed 李小龍 🚀", "zed@x.org", "شركة النور", LeadStatus.New, LeadSource.Campaign, "u3", 7, 5),
    };

    private static LeadState L(
        string name, string? email, string? company, LeadStatus status, LeadSource source, string? owner, int created, int updated) => new()
        {
            Name = name,
            Email = email,
            Company = company,
            Status = status,
            Source = source,
            OwnerId = owner,
            Phone = "+1 555 0100",
            Notes = "notes of " + name,
            CreatedAt = T.AddMinutes(created),
            UpdatedAt = T.AddMinutes(updated),
        };

    public virtual async Task InitializeAsync()
    {
        // Inserted against id order within every tie, so that only a real _id tie-breaker passes.
        foreach (var id in new[] { "l6", "l3", "l1", "l7", "l2", "l5", "l4" })
        {
            await Storage.WriteStateAsync(StorageNames.Leads, GrainId.Create("lead", id), new GrainState<LeadState>(Seed[id]));
        }
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private async Task<string[]> Ids(LeadListQuery query) =>
        (await Queries.ListAsync(query)).Items.Select(x => x.Id).ToArray();

    private static LeadListQuery ByCreated(bool descending = false) => new() { Sort = new(LeadSortField.CreatedAt, descending) };

    [Fact]
    public async Task Lists_every_lead_with_all_fields_mapped()
    {
        var page = await Queries.ListAsync(ByCreated());

        Assert.Equal(7, page.Total);
        Assert.Null(page.Next);
        Assert.Equal(7, page.Items.Count);
        var l2 = page.Items.Single(x => x.Id == "l2");
        Assert.Equal(Seed["l2"].ToDto("l2"), l2);
        Assert.Equal(DateTimeKind.Utc, l2.CreatedAt.Kind);
        var l4 = page.Items.Single(x => x.Id == "l4");
        Assert.Null(l4.Company);
        Assert.Null(l4.OwnerId);
    }

    [Fact]
    public async Task Default_query_sorts_by_created_at_descending()
    {
        Assert.Equal(["l7", "l6", "l5", "l4", "l3", "l2", "l1"], await Ids(new LeadListQuery()));
    }

    [Theory]
    [InlineData(LeadStatus.New, new[] { "l1", "l4", "l7" })]
    [InlineData(LeadStatus.Contacted, new[] { "l2" })]
    [InlineData(LeadStatus.Unqualified, new string[0])]
    public async Task Filters_by_status(LeadStatus status, string[] expected)
    {
        var page = await Queries.ListAsync(ByCreated() with { Status = status });
        Assert.Equal(expected, page.Items.Select(x => x.Id));
        Assert.Equal(expected.Length, page.Total);
    }

    [Theory]
    [InlineData(LeadSource.Chatbot, new[] { "l3", "l4" })]
    [InlineData(LeadSource.Website, new[] { "l1", "l6" })]
    [InlineData(LeadSource.Other, new string[0])]
    public async Task Filters_by_source(LeadSource source, string[] expected)
    {
        Assert.Equal(expected, await Ids(ByCreated() with { Source = source }));
    }

    [Theory]
    [InlineData("u1", new[] { "l1", "l3", "l6" })]
    [InlineData("u3", new[] { "l7" })]
    [InlineData("U1", new string[0])]
    [InlineData("u", new string[0])]
    public async Task Filters_by_owner_exactly(string owner, string[] expected)
    {
        Assert.Equal(expected, await Ids(ByCreated() with { OwnerId = owner }));
    }

    [Theory]
    [InlineData("zola", new[] { "l5" })] // name
    [InlineData("obrien.ie", new[] { "l2" })] // email only
    [InlineData("corp", new[] { "l3" })] // company only
    [InlineData("ALICE", new[] { "l1", "l6" })] // name and email, case-insensitive
    [InlineData("example.com", new[] { "l1", "l4" })] // stored upper-case email
    [InlineData("acme", new[] { "l1", "l5" })]
    [InlineData("  Acme  ", new[] { "l1", "l5" })] // trimmed
    [InlineData("O'Brien", new[] { "l2" })] // quote
    [InlineData("50%", new[] { "l2" })] // % is literal, not a wildcard ("Acme 500" must not match)
    [InlineData("a_b", new[] { "l3" })] // _ is literal, not a wildcard ("axb Ltd" must not match)
    [InlineData("李小龍", new[] { "l7" })]
    [InlineData("🚀", new[] { "l7" })]
    [InlineData("النور", new[] { "l7" })]
    [InlineData("' OR 1=1 --", new string[0])]
    [InlineData("\"; DROP", new string[0])]
    [InlineData("nobody", new string[0])]
    public async Task Filters_by_text_over_name_email_and_company(string text, string[] expected)
    {
        Assert.Equal(expected, await Ids(ByCreated() with { Text = text }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Blank_text_does_not_filter(string? text)
    {
        Assert.Equal(7, (await Queries.ListAsync(ByCreated() with { Text = text })).Total);
    }

    [Fact]
    public async Task Combines_filters()
    {
        Assert.Equal(["l1"], await Ids(ByCreated() with { Status = LeadStatus.New, OwnerId = "u1" }));
        Assert.Equal(["l1", "l4"], await Ids(ByCreated() with { Status = LeadStatus.New, Text = "example" }));
        Assert.Equal(["l1", "l6"], await Ids(ByCreated() with { Source = LeadSource.Website, OwnerId = "u1", Text = "alice" }));
        Assert.Empty(await Ids(ByCreated() with { Status = LeadStatus.Lost, Source = LeadSource.Website }));
    }

    [Theory]
    [InlineData(LeadSortField.CreatedAt, false, new[] { "l1", "l2", "l3", "l4", "l5", "l6", "l7" })]
    [InlineData(LeadSortField.CreatedAt, true, new[] { "l7", "l6", "l5", "l4", "l3", "l2", "l1" })]
    [InlineData(LeadSortField.UpdatedAt, false, new[] { "l7", "l6", "l4", "l5", "l3", "l2", "l1" })]
    [InlineData(LeadSortField.UpdatedAt, true, new[] { "l1", "l2", "l3", "l5", "l4", "l6", "l7" })]
    [InlineData(LeadSortField.Name, false, new[] { "l1", "l6", "l2", "l3", "l4", "l5", "l7" })]
    [InlineData(LeadSortField.Name, true, new[] { "l7", "l5", "l4", "l3", "l2", "l6", "l1" })]
    public async Task Sorts_with_id_as_tie_breaker_in_the_same_direction(LeadSortField field, bool descending, string[] expected)
    {
        Assert.Equal(expected, await Ids(new LeadListQuery { Sort = new(field, descending) }));
    }

    [Fact]
    public async Task Pages_with_limit_offset_next_and_total()
    {
        var p1 = await Queries.ListAsync(ByCreated() with { Limit = 3 });
        var p2 = await Queries.ListAsync(ByCreated() with { Limit = 3, Offset = p1.Next!.Value });
        var p3 = await Queries.ListAsync(ByCreated() with { Limit = 3, Offset = p2.Next!.Value });

        Assert.Equal(["l1", "l2", "l3"], p1.Items.Select(x => x.Id));
        Assert.Equal((7L, 3), (p1.Total, p1.Next!.Value));
        Assert.Equal(["l4", "l5", "l6"], p2.Items.Select(x => x.Id));
        Assert.Equal((7L, 6), (p2.Total, p2.Next!.Value));
        Assert.Equal(["l7"], p3.Items.Select(x => x.Id));
        Assert.Equal(7, p3.Total);
        Assert.Null(p3.Next);
    }

    [Fact]
    public async Task A_page_ending_exactly_at_the_end_has_no_next()
    {
        var page = await Queries.ListAsync(ByCreated() with { Limit = 4, Offset = 3 });
        Assert.Equal(["l4", "l5", "l6", "l7"], page.Items.Select(x => x.Id));
        Assert.Null(page.Next);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(100)]
    public async Task An_offset_beyond_the_end_gives_no_items_and_the_right_total(int offset)
    {
        var page = await Queries.ListAsync(ByCreated() with { Offset = offset, Limit = 5 });
        Assert.Empty(page.Items);
        Assert.Equal(7, page.Total);
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task Paging_applies_to_filtered_results()
    {
        var page = await Queries.ListAsync(ByCreated() with { Status = LeadStatus.New, Limit = 2 });
        Assert.Equal(["l1", "l4"], page.Items.Select(x => x.Id));
        Assert.Equal(3, page.Total);
        Assert.Equal(2, page.Next);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 0)]
    [InlineData(10, -1)]
    public async Task Rejects_invalid_paging(int limit, int offset)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Queries.ListAsync(new LeadListQuery { Limit = limit, Offset = offset }));
    }

    [Fact]
    public async Task Reflects_updates_and_deletes()
    {
        var id = GrainId.Create("lead", "l3");
        IGrainState<LeadState> state = new GrainState<LeadState>();
        await Storage.ReadStateAsync(StorageNames.Leads, id, state);
        state.State.Status = LeadStatus.New;
        await Storage.WriteStateAsync(StorageNames.Leads, id, state);
        await Storage.ClearStateAsync(StorageNames.Leads, GrainId.Create("lead", "l1"), await ReadLead("l1"));

        Assert.Equal(["l3", "l4", "l7"], await Ids(ByCreated() with { Status = LeadStatus.New }));
        Assert.Equal(6, (await Queries.ListAsync(ByCreated())).Total);
    }

    [Fact]
    public async Task Totals_stay_exact_through_status_and_owner_changes_inserts_and_deletes()
    {
        // A page of one asks for the total (a short page would not): it must equal what the full list holds.
        async Task AssertTotals()
        {
            foreach (var query in new[]
                     {
                         ByCreated(),
                         ByCreated() with { Status = LeadStatus.New },
                         ByCreated() with { Status = LeadStatus.Qualified },
                         ByCreated() with { Status = LeadStatus.Lost },
                         ByCreated() with { Source = LeadSource.Chatbot },
                         ByCreated() with { OwnerId = "u1" },
                         ByCreated() with { OwnerId = "u9" },
                         ByCreated() with { Status = LeadStatus.New, Source = LeadSource.Website },
                     })
            {
                var all = await Queries.ListAsync(query with { Limit = 100 });
                Assert.Equal(all.Items.Count, (await Queries.ListAsync(query with { Limit = 1 })).Total);
            }
        }

        await AssertTotals();
        var l3 = await ReadLead("l3");
        l3.State.Status = LeadStatus.New;
        l3.State.OwnerId = "u9";
        await Storage.WriteStateAsync(StorageNames.Leads, GrainId.Create("lead", "l3"), l3);
        var l4 = await ReadLead("l4");
        l4.State.OwnerId = "u1"; // from none to someone
        l4.State.Notes = "only the owner and notes change";
        await Storage.WriteStateAsync(StorageNames.Leads, GrainId.Create("lead", "l4"), l4);
        await Storage.ClearStateAsync(StorageNames.Leads, GrainId.Create("lead", "l1"), await ReadLead("l1"));
        await Storage.WriteStateAsync(StorageNames.Leads, GrainId.Create("lead", "l8"), new GrainState<LeadState>(Seed["l5"]));
        await AssertTotals();
        Assert.Equal(3, (await Queries.ListAsync(ByCreated() with { Status = LeadStatus.New, Limit = 1 })).Total); // l3, l4, l7
        Assert.Equal(2, (await Queries.ListAsync(ByCreated() with { OwnerId = "u1", Limit = 1 })).Total); // l4, l6
        Assert.Equal(7, (await Queries.ListAsync(ByCreated() with { Limit = 1 })).Total);
    }

    private async Task<IGrainState<LeadState>> ReadLead(string key)
    {
        IGrainState<LeadState> state = new GrainState<LeadState>();
        await Storage.ReadStateAsync(StorageNames.Leads, GrainId.Create("lead", key), state);
        return state;
    }
}
