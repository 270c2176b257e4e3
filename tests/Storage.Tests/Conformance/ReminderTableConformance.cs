using CrmChatbot.Storage.Reminders;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Tests.Conformance;

/// <summary>
/// The contract every CRM reminder table (Orleans <see cref="IReminderTable"/>) must meet. A store's
/// test class derives from this and supplies a fresh, empty table per test instance.
/// Range reads are checked against Orleans' own rule, <c>RangeFactory.CreateRange(begin, end).InRange(hash)</c>:
/// hash in (begin, end] on the ring, i.e. begin &lt; end: begin &lt; hash &lt;= end; begin &gt;= end: hash &gt; begin || hash &lt;= end.
/// </summary>
public abstract class ReminderTableConformance
{
    /// <summary>Dates round-trip at millisecond precision (SQLite, BSON): use whole milliseconds.</summary>
    protected static readonly DateTime T0 = new(2025, 3, 4, 5, 6, 7, 891, DateTimeKind.Utc);

    protected abstract IReminderTable Table { get; }

    protected static GrainId NewGrain(string type = "lead") => GrainId.Create(type, "g-" + Guid.NewGuid().ToString("N"));

    protected static ReminderEntry Entry(GrainId grain, string name, DateTime? startAt = null, TimeSpan? period = null) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = startAt ?? T0,
        Period = period ?? TimeSpan.FromMinutes(1),
    };

    protected async Task<string> UpsertAsync(ReminderEntry entry)
    {
        var etag = await Table.UpsertRow(entry);
        Assert.False(string.IsNullOrEmpty(etag));
        return etag!;
    }

    protected static void AssertSame(ReminderEntry expected, string expectedETag, ReminderEntry? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.GrainId, actual.GrainId);
        Assert.Equal(expected.ReminderName, actual.ReminderName);
        Assert.Equal(expected.StartAt, actual.StartAt);
        Assert.Equal(DateTimeKind.Utc, actual.StartAt.Kind);
        Assert.Equal(expected.Period, actual.Period);
        Assert.Equal(expectedETag, actual.ETag);
    }

    private static IEnumerable<(GrainId, string)> Keys(ReminderTableData data) =>
        data.Reminders.Select(r => (r.GrainId, r.ReminderName)).OrderBy(k => k.GrainId.ToString(), StringComparer.Ordinal).ThenBy(k => k.ReminderName, StringComparer.Ordinal);

    private static IEnumerable<(GrainId, string)> Keys(IEnumerable<ReminderEntry> entries) => Keys(new ReminderTableData(entries));

    [Fact]
    public async Task Read_of_a_missing_row_is_null_and_a_grain_without_reminders_reads_empty()
    {
        var grain = NewGrain();

        Assert.Null(await Table.ReadRow(grain, "nothing"));
        Assert.Empty((await Table.ReadRows(grain)).Reminders);
    }

    [Fact]
    public async Task Upsert_then_read_by_name_by_grain_and_by_range()
    {
        var grain = NewGrain();
        var entry = Entry(grain, "follow-up", T0, TimeSpan.FromMinutes(15));

        var etag = await UpsertAsync(entry);

        AssertSame(entry, etag, await Table.ReadRow(grain, "follow-up"));
        AssertSame(entry, etag, Assert.Single((await Table.ReadRows(grain)).Reminders));

        var hash = grain.GetUniformHashCode();
        var around = await Table.ReadRows(unchecked(hash - 1), hash);
        AssertSame(entry, etag, Assert.Single(around.Reminders, r => r.GrainId == grain));
    }

    [Fact]
    public async Task Upsert_again_writes_the_new_values_and_a_new_etag()
    {
        var grain = NewGrain();
        var first = await UpsertAsync(Entry(grain, "r"));

        var changed = Entry(grain, "r", T0.AddHours(2), TimeSpan.FromHours(1));
        changed.ETag = first;
        var second = await UpsertAsync(changed);

        Assert.NotEqual(first, second);
        AssertSame(changed, second, await Table.ReadRow(grain, "r"));
        Assert.Single((await Table.ReadRows(grain)).Reminders);

        // An upsert ignores the etag it is given: a stale or missing one still writes (Orleans' contract).
        var third = await UpsertAsync(Entry(grain, "r", T0, TimeSpan.FromMinutes(3)));
        Assert.NotEqual(second, third);
        Assert.Equal(TimeSpan.FromMinutes(3), (await Table.ReadRow(grain, "r"))!.Period);
    }

    [Fact]
    public async Task Period_and_start_round_trip_exactly()
    {
        var grain = NewGrain();
        var odd = Entry(grain, "odd", new DateTime(2031, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc), TimeSpan.FromTicks(123_456_789_012));
        var etag = await UpsertAsync(odd);

        AssertSame(odd, etag, await Table.ReadRow(grain, "odd"));
    }

    [Fact]
    public async Task Start_in_local_time_is_stored_as_the_same_instant_in_utc()
    {
        var grain = NewGrain();
        var entry = Entry(grain, "local", T0.ToLocalTime());
        await UpsertAsync(entry);

        var read = await Table.ReadRow(grain, "local");
        Assert.Equal(T0, read!.StartAt);
        Assert.Equal(DateTimeKind.Utc, read.StartAt.Kind);
    }

    [Fact]
    public async Task Remove_with_a_stale_etag_returns_false_and_keeps_the_row()
    {
        var grain = NewGrain();
        var stale = await UpsertAsync(Entry(grain, "r"));
        var current = await UpsertAsync(Entry(grain, "r", T0.AddMinutes(1)));

        Assert.False(await Table.RemoveRow(grain, "r", stale));
        Assert.False(await Table.RemoveRow(grain, "r", "not-an-etag"));

        var read = await Table.ReadRow(grain, "r");
        Assert.NotNull(read);
        Assert.Equal(current, read.ETag);
    }

    [Fact]
    public async Task Remove_with_the_current_etag_returns_true_and_the_row_is_gone()
    {
        var grain = NewGrain();
        var keep = await UpsertAsync(Entry(grain, "keep"));
        var etag = await UpsertAsync(Entry(grain, "drop"));

        Assert.True(await Table.RemoveRow(grain, "drop", etag));

        Assert.Null(await Table.ReadRow(grain, "drop"));
        Assert.False(await Table.RemoveRow(grain, "drop", etag));
        var left = Assert.Single((await Table.ReadRows(grain)).Reminders);
        Assert.Equal("keep", left.ReminderName);
        Assert.Equal(keep, left.ETag);
    }

    [Fact]
    public async Task Remove_of_a_missing_row_returns_false()
    {
        Assert.False(await Table.RemoveRow(NewGrain(), "never", "etag"));
    }

    [Fact]
    public async Task Concurrent_removes_with_the_same_etag_succeed_exactly_once()
    {
        var grain = NewGrain();
        var etag = await UpsertAsync(Entry(grain, "race"));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Table.RemoveRow(grain, "race", etag))));

        Assert.Equal(1, results.Count(r => r));
        Assert.Null(await Table.ReadRow(grain, "race"));
    }

    [Fact]
    public async Task Concurrent_upserts_of_one_row_each_get_a_distinct_etag_and_one_of_them_is_stored()
    {
        var grain = NewGrain();

        var etags = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => UpsertAsync(Entry(grain, "race", T0.AddMinutes(i))))));

        Assert.Equal(etags.Length, etags.Distinct().Count());
        var stored = await Table.ReadRow(grain, "race");
        Assert.Contains(stored!.ETag, etags);
        Assert.Single((await Table.ReadRows(grain)).Reminders);
    }

    [Fact]
    public async Task Rows_are_keyed_by_grain_and_name_exactly()
    {
        // Keys and names containing '/' and differing only in case must not collide.
        var a = GrainId.Create("lead", "x");
        var b = GrainId.Create("lead", "x/y");
        var c = GrainId.Create("lead", "X");
        var d = GrainId.Create("user", "x");
        var suffix = Guid.NewGuid().ToString("N");
        var entries = new[]
        {
            Entry(a, "y/z" + suffix),
            Entry(b, "z" + suffix),
            Entry(a, "Y/z" + suffix),
            Entry(c, "y/z" + suffix),
            Entry(d, "y/z" + suffix),
            Entry(a, "y%2Fz" + suffix),
            Entry(a, "" + suffix),
        };
        var etags = new List<string>();
        foreach (var e in entries)
        {
            etags.Add(await UpsertAsync(e));
        }

        for (var i = 0; i < entries.Length; i++)
        {
            AssertSame(entries[i], etags[i], await Table.ReadRow(entries[i].GrainId, entries[i].ReminderName));
        }

        var ofA = (await Table.ReadRows(a)).Reminders.Where(r => r.ReminderName.EndsWith(suffix, StringComparison.Ordinal)).ToList();
        Assert.Equal(4, ofA.Count);
        Assert.All(ofA, r => Assert.Equal(a, r.GrainId));
        Assert.Equal(b, Assert.Single((await Table.ReadRows(b)).Reminders, r => r.ReminderName.EndsWith(suffix, StringComparison.Ordinal)).GrainId);
    }

    [Fact]
    public async Task Read_by_grain_returns_exactly_that_grains_reminders()
    {
        var grains = Enumerable.Range(0, 20).Select(_ => NewGrain()).ToList();
        var all = new List<ReminderEntry>();
        foreach (var (grain, i) in grains.Select((g, i) => (g, i)))
        {
            for (var n = 0; n <= i % 3; n++)
            {
                var e = Entry(grain, "r" + n);
                e.ETag = await UpsertAsync(e);
                all.Add(e);
            }
        }

        foreach (var grain in grains)
        {
            Assert.Equal(Keys(all.Where(e => e.GrainId == grain)), Keys(await Table.ReadRows(grain)));
        }
    }

    [Fact]
    public async Task Range_reads_return_exactly_the_rows_whose_hash_is_in_begin_exclusive_end_inclusive()
    {
        await Table.TestOnlyClearTable();
        var all = new List<ReminderEntry>();
        for (var i = 0; i < 150; i++)
        {
            var grain = NewGrain(i % 2 == 0 ? "lead" : "user");
            for (var n = 0; n < 1 + (i % 3); n++)
            {
                var e = Entry(grain, "r" + n);
                e.ETag = await UpsertAsync(e);
                all.Add(e);
            }
        }

        var hashes = all.Select(e => e.GrainId.GetUniformHashCode()).Distinct().Order().ToList();
        uint At(double fraction) => hashes[(int)(fraction * (hashes.Count - 1))];

        // Bounds ON stored hashes (begin's row excluded, end's row included), between them, and the ring's edges.
        var ranges = new List<(uint Begin, uint End)>
        {
            (At(0.2), At(0.6)),                       // normal
            (At(0.6), At(0.2)),                       // wrap-around
            (unchecked(At(0.2) - 1), At(0.2)),        // exactly one hash
            (At(0.2), unchecked(At(0.2) + 1)),        // begin excluded: nothing unless hash+1 is stored
            (At(0.5), At(0.5)),                       // begin == end: the whole ring
            (0, 0),                                   // Orleans' full range
            (0, uint.MaxValue),                       // everything but hash 0
            (uint.MaxValue, 0),                       // wraps: only hash 0
            (uint.MaxValue, At(0.3)),                 // wraps from the top: [0, end]
            (At(0.7), uint.MaxValue),                 // up to the top, inclusive
            (hashes[0], hashes[^1]),                  // normal, excludes the lowest
            (hashes[^1], hashes[0]),                  // wrap-around, only the lowest
        };

        foreach (var (begin, end) in ranges)
        {
            var orleans = RangeFactory.CreateRange(begin, end);
            var expected = all.Where(e => orleans.InRange(e.GrainId.GetUniformHashCode())).ToList();
            var actual = await Table.ReadRows(begin, end);

            Assert.True(
                Keys(expected).SequenceEqual(Keys(actual)),
                $"ReadRows({begin}, {end}): expected {expected.Count} rows, got {actual.Reminders.Count}");
            Assert.All(actual.Reminders, r => Assert.Equal(all.Single(e => e.GrainId == r.GrainId && e.ReminderName == r.ReminderName).ETag, r.ETag));
        }

        // The boundary rows themselves: excluded at begin, included at end.
        var (lo, hi) = (At(0.2), At(0.6));
        var normal = await Table.ReadRows(lo, hi);
        Assert.DoesNotContain(normal.Reminders, r => r.GrainId.GetUniformHashCode() == lo);
        Assert.Contains(normal.Reminders, r => r.GrainId.GetUniformHashCode() == hi);
        var wrapped = await Table.ReadRows(hi, lo);
        Assert.DoesNotContain(wrapped.Reminders, r => r.GrainId.GetUniformHashCode() == hi);
        Assert.Contains(wrapped.Reminders, r => r.GrainId.GetUniformHashCode() == lo);
        Assert.Equal(all.Count, normal.Reminders.Count + wrapped.Reminders.Count);
        Assert.Equal(all.Count, (await Table.ReadRows(lo, lo)).Reminders.Count);
    }

    [Fact]
    public async Task Clear_removes_every_row()
    {
        var grain = NewGrain();
        await UpsertAsync(Entry(grain, "a"));
        await UpsertAsync(Entry(NewGrain(), "b"));

        await Table.TestOnlyClearTable();

        Assert.Null(await Table.ReadRow(grain, "a"));
        Assert.Empty((await Table.ReadRows(0, 0)).Reminders);
    }
}
