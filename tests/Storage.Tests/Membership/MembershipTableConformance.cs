using System.Net;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Tests.Membership;

/// <summary>
/// The contract Orleans relies on from a membership table (after Orleans' own MembershipTableTestsBase):
/// one table version with its own etag; an insert succeeds only if the row is absent AND the version etag
/// is current, an update only if the row etag AND the version etag are current, and either bumps the
/// version atomically; reads return rows with their etags and the version together. A store's test class
/// derives from this and supplies a fresh, initialized table per test instance.
/// </summary>
public abstract class MembershipTableConformance
{
    /// <summary>Dates round-trip at millisecond precision (BSON): use whole milliseconds.</summary>
    protected static readonly DateTime T0 = new(2025, 3, 4, 5, 6, 7, 891, DateTimeKind.Utc);

    private static int s_port = 20000;

    protected abstract IMembershipTable Table { get; }

    protected static SiloAddress NewSilo() =>
        SiloAddress.New(new IPEndPoint(IPAddress.Loopback, Interlocked.Increment(ref s_port)), 123_456);

    protected static MembershipEntry Entry(SiloAddress? silo = null, SiloStatus status = SiloStatus.Joining, DateTime? aliveAt = null)
    {
        var address = silo ?? NewSilo();
        return new MembershipEntry
        {
            SiloAddress = address,
            Status = status,
            HostName = "host-" + address.Endpoint.Port,
            SiloName = "silo-" + address.Endpoint.Port,
            RoleName = "crm",
            ProxyPort = address.Endpoint.Port + 10_000,
            UpdateZone = 1,
            FaultZone = 2,
            StartTime = T0,
            IAmAliveTime = aliveAt ?? T0,
            SuspectTimes = [],
        };
    }

    /// <summary>Inserts with the current version's successor, as Orleans does; returns the row etag.</summary>
    protected async Task<string> InsertAsync(MembershipEntry entry)
    {
        var before = await Table.ReadAllAsync();
        Assert.True(await Table.InsertRowAsync(entry, before.Version.Next()));
        var (_, etag) = Assert.Single((await Table.ReadRowAsync(entry.SiloAddress)).Members);
        return etag;
    }

    protected static void AssertSame(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.SiloAddress.Generation, actual.SiloAddress.Generation);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.RoleName, actual.RoleName);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.UpdateZone, actual.UpdateZone);
        Assert.Equal(expected.FaultZone, actual.FaultZone);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Equal(
            (expected.SuspectTimes ?? []).Select(s => (s.Item1, s.Item2)),
            (actual.SuspectTimes ?? []).Select(s => (s.Item1, s.Item2)));
    }

    [Fact]
    public async Task A_new_table_is_empty_at_version_0_and_initializing_again_keeps_it()
    {
        var table = await Table.ReadAllAsync();
        Assert.Empty(table.Members);
        Assert.Equal(0, table.Version.Version);
        Assert.False(string.IsNullOrEmpty(table.Version.VersionEtag));

        var etag = await InsertAsync(Entry());
        await Table.InitializeMembershipTableAsync(true);

        var after = await Table.ReadAllAsync();
        Assert.Equal(1, after.Version.Version);
        Assert.Equal(etag, Assert.Single(after.Members).Item2);
    }

    [Fact]
    public async Task Insert_with_the_current_version_stores_the_row_and_bumps_the_version_and_its_etag()
    {
        var before = await Table.ReadAllAsync();
        var entry = Entry();
        entry.SuspectTimes = [Tuple.Create(NewSilo(), T0.AddSeconds(5))];

        Assert.True(await Table.InsertRowAsync(entry, before.Version.Next()));

        var after = await Table.ReadAllAsync();
        Assert.Equal(before.Version.Version + 1, after.Version.Version);
        Assert.NotEqual(before.Version.VersionEtag, after.Version.VersionEtag);
        var (stored, etag) = Assert.Single(after.Members);
        AssertSame(entry, stored);
        Assert.False(string.IsNullOrEmpty(etag));
    }

    [Fact]
    public async Task Insert_with_a_stale_version_etag_fails_and_changes_nothing()
    {
        var stale = (await Table.ReadAllAsync()).Version;
        await InsertAsync(Entry());
        var current = await Table.ReadAllAsync();

        Assert.False(await Table.InsertRowAsync(Entry(), stale.Next()));

        var after = await Table.ReadAllAsync();
        Assert.Single(after.Members);
        Assert.Equal(current.Version.Version, after.Version.Version);
        Assert.Equal(current.Version.VersionEtag, after.Version.VersionEtag);
    }

    [Fact]
    public async Task Insert_of_an_existing_silo_fails_even_with_the_current_version()
    {
        var entry = Entry();
        var etag = await InsertAsync(entry);
        var current = await Table.ReadAllAsync();

        var again = Entry(entry.SiloAddress, SiloStatus.Active);
        Assert.False(await Table.InsertRowAsync(again, current.Version.Next()));

        var (stored, storedETag) = Assert.Single((await Table.ReadAllAsync()).Members);
        Assert.Equal(SiloStatus.Joining, stored.Status);
        Assert.Equal(etag, storedETag);
    }

    [Fact]
    public async Task Update_needs_the_current_row_etag_and_the_current_version_etag()
    {
        var entry = Entry();
        var rowETag = await InsertAsync(entry);
        var version = (await Table.ReadAllAsync()).Version;

        var active = Entry(entry.SiloAddress, SiloStatus.Active, T0.AddSeconds(1));
        Assert.True(await Table.UpdateRowAsync(active, rowETag, version.Next()));

        var after = await Table.ReadRowAsync(entry.SiloAddress);
        var (stored, newRowETag) = Assert.Single(after.Members);
        AssertSame(active, stored);
        Assert.NotEqual(rowETag, newRowETag);
        Assert.Equal(version.Version + 1, after.Version.Version);

        // The old row etag is stale now, even with the current version.
        var dead = Entry(entry.SiloAddress, SiloStatus.Dead);
        Assert.False(await Table.UpdateRowAsync(dead, rowETag, after.Version.Next()));

        // The current row etag with a stale version etag fails too.
        Assert.False(await Table.UpdateRowAsync(dead, newRowETag, version.Next()));

        var final = await Table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(SiloStatus.Active, Assert.Single(final.Members).Item1.Status);
        Assert.Equal(after.Version.VersionEtag, final.Version.VersionEtag);
    }

    [Fact]
    public async Task Update_of_a_missing_row_fails()
    {
        var version = (await Table.ReadAllAsync()).Version;

        Assert.False(await Table.UpdateRowAsync(Entry(), "no-such-etag", version.Next()));
        Assert.Empty((await Table.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task ReadRow_returns_only_that_silo_with_the_table_version_and_ReadAll_returns_every_row()
    {
        var a = Entry();
        var b = Entry();
        var etagA = await InsertAsync(a);
        var etagB = await InsertAsync(b);

        var rowA = await Table.ReadRowAsync(a.SiloAddress);
        var (storedA, readETagA) = Assert.Single(rowA.Members);
        AssertSame(a, storedA);
        Assert.Equal(etagA, readETagA);
        Assert.Equal(2, rowA.Version.Version);

        var missing = await Table.ReadRowAsync(NewSilo());
        Assert.Empty(missing.Members);
        Assert.Equal(2, missing.Version.Version);

        var all = await Table.ReadAllAsync();
        Assert.Equal(
            new[] { (a.SiloAddress, etagA), (b.SiloAddress, etagB) }.OrderBy(r => r.Item1.ToParsableString(), StringComparer.Ordinal),
            all.Members.Select(m => (m.Item1.SiloAddress, m.Item2)).OrderBy(r => r.Item1.ToParsableString(), StringComparer.Ordinal));
        Assert.Equal(rowA.Version.VersionEtag, all.Version.VersionEtag);
    }

    [Fact]
    public async Task Silos_on_the_same_endpoint_with_different_generations_are_different_rows()
    {
        var first = Entry();
        var restarted = Entry(SiloAddress.New(first.SiloAddress.Endpoint, first.SiloAddress.Generation + 1));
        await InsertAsync(first);
        await InsertAsync(restarted);

        Assert.Equal(2, (await Table.ReadAllAsync()).Members.Count);
        Assert.Equal(restarted.SiloAddress.Generation, Assert.Single((await Table.ReadRowAsync(restarted.SiloAddress)).Members).Item1.SiloAddress.Generation);
    }

    [Fact]
    public async Task UpdateIAmAlive_sets_only_the_heartbeat_and_keeps_the_row_and_version_etags()
    {
        var entry = Entry();
        var rowETag = await InsertAsync(entry);
        var version = (await Table.ReadAllAsync()).Version;

        var beat = Entry(entry.SiloAddress, SiloStatus.Dead, T0.AddMinutes(3));
        await Table.UpdateIAmAliveAsync(beat);

        var after = await Table.ReadAllAsync();
        var (stored, storedETag) = Assert.Single(after.Members);
        Assert.Equal(T0.AddMinutes(3), stored.IAmAliveTime);
        Assert.Equal(SiloStatus.Joining, stored.Status);
        Assert.Equal(rowETag, storedETag);
        Assert.Equal(version.Version, after.Version.Version);
        Assert.Equal(version.VersionEtag, after.Version.VersionEtag);

        // The etags stay usable.
        Assert.True(await Table.UpdateRowAsync(Entry(entry.SiloAddress, SiloStatus.Active), rowETag, after.Version.Next()));
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_removes_only_dead_rows_last_alive_before_the_date()
    {
        var cutoff = T0.AddHours(1);
        var oldDead = Entry(status: SiloStatus.Dead, aliveAt: cutoff.AddMinutes(-1));
        var recentDead = Entry(status: SiloStatus.Dead, aliveAt: cutoff.AddMinutes(1));
        var oldActive = Entry(status: SiloStatus.Active, aliveAt: cutoff.AddMinutes(-30));
        foreach (var entry in new[] { oldDead, recentDead, oldActive })
        {
            await InsertAsync(entry);
        }

        await Table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(cutoff));

        var left = (await Table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        Assert.Equal(new HashSet<SiloAddress> { recentDead.SiloAddress, oldActive.SiloAddress }, left);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_dates_a_dead_row_by_its_latest_start_heartbeat_or_death_vote()
    {
        var cutoff = T0.AddHours(1);
        var longDead = Entry(status: SiloStatus.Dead, aliveAt: cutoff.AddMinutes(-10));
        longDead.SuspectTimes = [Tuple.Create(NewSilo(), cutoff.AddMinutes(-5))];
        // Last heartbeat long ago, but voted dead after the cut-off: Orleans counts it as recent.
        var recentlyVotedDead = Entry(status: SiloStatus.Dead, aliveAt: cutoff.AddMinutes(-10));
        recentlyVotedDead.SuspectTimes = [Tuple.Create(NewSilo(), cutoff.AddMinutes(-20)), Tuple.Create(NewSilo(), cutoff.AddMinutes(2))];
        // Restarted (a later start time) without a heartbeat since.
        var recentlyStarted = Entry(status: SiloStatus.Dead, aliveAt: T0);
        recentlyStarted.StartTime = cutoff.AddSeconds(1);
        foreach (var entry in new[] { longDead, recentlyVotedDead, recentlyStarted })
        {
            await InsertAsync(entry);
        }

        await Table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(cutoff));

        var left = (await Table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        Assert.Equal(new HashSet<SiloAddress> { recentlyVotedDead.SiloAddress, recentlyStarted.SiloAddress }, left);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_keeps_the_table_version_and_the_other_rows_etags()
    {
        var dead = Entry(status: SiloStatus.Dead);
        var active = Entry(status: SiloStatus.Active);
        await InsertAsync(dead);
        var activeETag = await InsertAsync(active);
        var version = (await Table.ReadAllAsync()).Version;

        await Table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(T0.AddDays(1)));

        var after = await Table.ReadAllAsync();
        var (row, etag) = Assert.Single(after.Members);
        Assert.Equal(active.SiloAddress, row.SiloAddress);
        Assert.Equal(activeETag, etag);
        Assert.Equal(version.VersionEtag, after.Version.VersionEtag);
        // A silo holding the version it read before the cleanup can still write.
        Assert.True(await Table.UpdateRowAsync(Entry(active.SiloAddress, SiloStatus.ShuttingDown), etag, after.Version.Next()));
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_empties_the_cluster_and_initializing_starts_again_at_version_0()
    {
        await InsertAsync(Entry());
        var clusterId = ClusterId;

        await Table.DeleteMembershipTableEntriesAsync(clusterId);
        Assert.Empty((await Table.ReadAllAsync()).Members);

        await Table.InitializeMembershipTableAsync(true);
        var fresh = await Table.ReadAllAsync();
        Assert.Empty(fresh.Members);
        Assert.Equal(0, fresh.Version.Version);
    }

    [Fact]
    public async Task Of_many_concurrent_inserts_with_the_same_version_exactly_one_wins()
    {
        var version = (await Table.ReadAllAsync()).Version.Next();
        var entries = Enumerable.Range(0, 16).Select(_ => Entry()).ToList();

        var results = await Task.WhenAll(entries.Select(e => Task.Run(() => Table.InsertRowAsync(e, version))));

        Assert.Equal(1, results.Count(ok => ok));
        var after = await Table.ReadAllAsync();
        var winner = entries[Array.IndexOf(results, true)];
        Assert.Equal(winner.SiloAddress, Assert.Single(after.Members).Item1.SiloAddress);
        Assert.Equal(version.Version, after.Version.Version);
    }

    /// <summary>The cluster id the table under test serves.</summary>
    protected abstract string ClusterId { get; }
}
