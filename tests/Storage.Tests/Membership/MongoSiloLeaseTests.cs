using CrmChatbot.Storage.Membership;
using CrmChatbot.Storage.Mongo;
using CrmChatbot.Storage.Tests.Mongo;

namespace CrmChatbot.Storage.Tests.Membership;

/// <summary>The single-silo lease that keeps two clusters off one database, against a real MongoDB wire server.</summary>
[Collection(MongoCollection.Name)]
public sealed class MongoSiloLeaseTests(MongoServerFixture fixture)
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly MongoStore _store = fixture.NewStore("silo_lease");
    private readonly Clock _clock = new();

    private MongoSiloLease Lease(string owner) => new(_store, owner, owner + " on test", _clock);

    [Fact]
    public async Task A_free_lease_is_taken_and_a_second_owner_is_told_who_holds_it()
    {
        var first = Lease("a");
        var second = Lease("b");

        Assert.Null(await first.TryAcquireAsync(Duration));
        var holder = await second.TryAcquireAsync(Duration);

        Assert.NotNull(holder);
        Assert.Equal("a", holder.Owner);
        Assert.Equal("a on test", holder.Description);
        Assert.Equal(_clock.Now.UtcDateTime + Duration, holder.ExpiresAt);
        Assert.Equal("a", (await second.ReadAsync())!.Owner);
    }

    [Fact]
    public async Task The_holder_renews_and_moves_the_expiry()
    {
        var first = Lease("a");
        Assert.Null(await first.TryAcquireAsync(Duration));

        _clock.Now += TimeSpan.FromSeconds(5);
        Assert.Null(await first.TryAcquireAsync(Duration));

        Assert.Equal(_clock.Now.UtcDateTime + Duration, (await Lease("b").ReadAsync())!.ExpiresAt);
    }

    [Fact]
    public async Task An_expired_lease_is_free_for_another_owner_and_the_old_holder_learns_it_lost_it()
    {
        var first = Lease("a");
        var second = Lease("b");
        Assert.Null(await first.TryAcquireAsync(Duration));

        _clock.Now += Duration + TimeSpan.FromSeconds(1);
        Assert.Null(await second.ReadAsync());
        Assert.Null(await second.TryAcquireAsync(Duration));

        Assert.Equal("b", (await first.TryAcquireAsync(Duration))?.Owner);
    }

    [Fact]
    public async Task Release_frees_it_at_once_but_only_for_its_holder()
    {
        var first = Lease("a");
        var second = Lease("b");
        Assert.Null(await first.TryAcquireAsync(Duration));

        await second.ReleaseAsync();
        Assert.Equal("a", (await second.ReadAsync())?.Owner);

        await first.ReleaseAsync();
        Assert.Null(await second.ReadAsync());
        Assert.Null(await second.TryAcquireAsync(Duration));
    }
}
