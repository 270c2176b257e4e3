using CrmChatbot.Common;
using CrmChatbot.Users;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CrmChatbot.Storage.Tests.Conformance;

/// <summary>The contract of <see cref="IUserQueries"/>, over one fresh store per test instance.</summary>
public abstract class UserQueryConformance : IAsyncLifetime
{
    private static readonly DateTime T = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    protected abstract IGrainStorage Storage { get; }

    protected abstract IUserQueries Queries { get; }

    /// <summary>Users by grain key (the normalized email). cid and dee share a creation time.</summary>
    protected static readonly IReadOnlyDictionary<string, UserState> Seed = new Dictionary<string, UserState>
    {
        ["ann@x.com"] = Samples.User("id-ann", "ann@x.com", "Ann Admin", UserRole.Admin, true, T.AddMinutes(1)),
        ["bob@x.com"] = Samples.User("id-bob", "bob@x.com", "Bob Agent", UserRole.Agent, true, T.AddMinutes(2)),
        ["cid@y.org"] = Samples.User("id-cid", "cid@y.org", "Cid O'Client", UserRole.Client, false, T.AddMinutes(3)),
        ["dee@y.org"] = Samples.User("id-dee", "dee@y.org", "Dee", UserRole.Client, true, T.AddMinutes(3)),
    };

    public virtual async Task InitializeAsync()
    {
        // Inserted against key order within the tie, so that only a real _id tie-breaker passes.
        foreach (var key in Seed.Keys.Reverse())
        {
            await Storage.WriteStateAsync(StorageNames.Users, GrainId.Create("user", key), new GrainState<UserState>(Seed[key]));
        }
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private async Task<string[]> Ids(UserListQuery query) =>
        (await Queries.ListAsync(query)).Items.Select(x => x.Id).ToArray();

    [Fact]
    public async Task Lists_users_by_creation_then_key_with_all_fields_mapped()
    {
        var page = await Queries.ListAsync(new UserListQuery());

        Assert.Equal(["id-ann", "id-bob", "id-cid", "id-dee"], page.Items.Select(x => x.Id));
        Assert.Equal(4, page.Total);
        Assert.Null(page.Next);
        Assert.Equal(Seed["cid@y.org"].ToDto(), page.Items[2]);
        Assert.Equal(DateTimeKind.Utc, page.Items[2].CreatedAt.Kind);
    }

    [Theory]
    [InlineData(UserRole.Client, new[] { "id-cid", "id-dee" })]
    [InlineData(UserRole.Admin, new[] { "id-ann" })]
    public async Task Filters_by_role(UserRole role, string[] expected)
    {
        Assert.Equal(expected, await Ids(new UserListQuery { Role = role }));
    }

    [Theory]
    [InlineData(false, new[] { "id-cid" })]
    [InlineData(true, new[] { "id-ann", "id-bob", "id-dee" })]
    public async Task Filters_by_active(bool isActive, string[] expected)
    {
        Assert.Equal(expected, await Ids(new UserListQuery { IsActive = isActive }));
    }

    [Theory]
    [InlineData("Y.ORG", new[] { "id-cid", "id-dee" })] // email, case-insensitive
    [InlineData("agent", new[] { "id-bob" })] // name
    [InlineData("o'client", new[] { "id-cid" })]
    [InlineData("id-ann", new string[0])] // user id is not searched
    [InlineData("hash", new string[0])] // password hash is not searched
    public async Task Filters_by_text_over_name_and_email(string text, string[] expected)
    {
        Assert.Equal(expected, await Ids(new UserListQuery { Text = text }));
    }

    [Fact]
    public async Task Combines_filters_and_pages()
    {
        Assert.Equal(["id-dee"], await Ids(new UserListQuery { Role = UserRole.Client, IsActive = true }));

        var p1 = await Queries.ListAsync(new UserListQuery { Limit = 3 });
        Assert.Equal(["id-ann", "id-bob", "id-cid"], p1.Items.Select(x => x.Id));
        Assert.Equal((4L, 3), (p1.Total, p1.Next!.Value));
        var p2 = await Queries.ListAsync(new UserListQuery { Limit = 3, Offset = 3 });
        Assert.Equal(["id-dee"], p2.Items.Select(x => x.Id));
        Assert.Null(p2.Next);
        var beyond = await Queries.ListAsync(new UserListQuery { Limit = 3, Offset = 9 });
        Assert.Empty(beyond.Items);
        Assert.Equal(4, beyond.Total);
    }

    [Fact]
    public async Task Finds_by_user_id()
    {
        Assert.Equal(Seed["bob@x.com"].ToDto(), await Queries.FindByIdAsync("id-bob"));
        Assert.Null(await Queries.FindByIdAsync("ID-BOB"));
        Assert.Null(await Queries.FindByIdAsync("bob@x.com"));
        Assert.Null(await Queries.FindByIdAsync("nobody"));
    }
}
