using CrmChatbot.Storage.Reminders;
using Orleans;
using Orleans.Runtime;

namespace CrmChatbot.Storage.Tests.Reminders;

public sealed class ReminderHashRangeTests
{
    private static readonly uint[] Points = [0, 1, 2, 100, 0x7FFF_FFFF, 0x8000_0000, uint.MaxValue - 1, uint.MaxValue];

    [Fact]
    public void Contains_and_intervals_agree_with_orleans_range_factory_on_every_edge()
    {
        var hashes = Points.Concat(Points.Select(p => unchecked(p + 1))).Concat(Points.Select(p => unchecked(p - 1))).Distinct().ToList();
        foreach (var begin in Points)
        {
            foreach (var end in Points)
            {
                var ours = new ReminderHashRange(begin, end);
                var orleans = RangeFactory.CreateRange(begin, end);
                foreach (var hash in hashes)
                {
                    Assert.True(
                        orleans.InRange(hash) == ours.Contains(hash),
                        $"({begin}, {end}] contains {hash}: Orleans {orleans.InRange(hash)}, ours {ours.Contains(hash)}");
                    var inIntervals = ours.Intervals.Any(iv => hash >= iv.Low && hash <= iv.High);
                    Assert.True(inIntervals == ours.Contains(hash), $"intervals of ({begin}, {end}] disagree on {hash}");
                }
            }
        }
    }

    [Fact]
    public void Begin_is_exclusive_end_inclusive_and_equal_bounds_are_the_whole_ring()
    {
        Assert.False(new ReminderHashRange(10, 20).Contains(10));
        Assert.True(new ReminderHashRange(10, 20).Contains(20));
        Assert.True(new ReminderHashRange(20, 10).Contains(0));
        Assert.True(new ReminderHashRange(20, 10).Contains(uint.MaxValue));
        Assert.False(new ReminderHashRange(20, 10).Contains(15));
        Assert.True(new ReminderHashRange(7, 7).Contains(7));
        Assert.True(new ReminderHashRange(7, 7).WrapsAround);
        Assert.Equal([(8L, (long)uint.MaxValue), (0L, 7L)], new ReminderHashRange(7, 7).Intervals);
        Assert.Equal([(0L, 5L)], new ReminderHashRange(uint.MaxValue, 5).Intervals);
    }

    [Fact]
    public void Row_ids_are_injective_and_readable()
    {
        var grain = GrainId.Create("lead", "x");
        Assert.Equal("lead/x/follow-up", ReminderRowId.For(grain, "follow-up"));
        Assert.Equal("lead/x/a%2Fb%25c", ReminderRowId.For(grain, "a/b%c"));
        Assert.NotEqual(ReminderRowId.For(GrainId.Create("lead", "x/y"), "z"), ReminderRowId.For(grain, "y/z"));
        Assert.NotEqual(ReminderRowId.For(grain, "a/b"), ReminderRowId.For(grain, "a%2Fb"));
        Assert.Throws<ArgumentException>(() => ReminderRowId.For(default, "r"));
    }

    [Fact]
    public void Row_round_trips_an_entry_with_a_new_etag()
    {
        var entry = new ReminderEntry
        {
            GrainId = GrainId.Create("lead", "k/with/slashes"),
            ReminderName = "r",
            StartAt = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Unspecified),
            Period = TimeSpan.FromTicks(42),
            ETag = "old",
        };

        var row = ReminderRow.ForUpsert(entry);
        var back = row.ToEntry();

        Assert.NotEqual("old", row.ETag);
        Assert.Equal((long)entry.GrainId.GetUniformHashCode(), row.GrainHash);
        Assert.Equal(entry.GrainId, back.GrainId);
        Assert.Equal(entry.Period, back.Period);
        Assert.Equal(DateTimeKind.Utc, back.StartAt.Kind);
        Assert.Equal(entry.StartAt.Ticks, back.StartAt.Ticks);
        Assert.Equal(row.ETag, back.ETag);
    }
}
