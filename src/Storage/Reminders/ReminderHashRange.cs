namespace CrmChatbot.Storage.Reminders;

/// <summary>
/// The grain-hash range of <c>IReminderTable.ReadRows(begin, end)</c>, with Orleans' exact rule
/// (<c>RangeFactory.CreateRange(begin, end).InRange(hash)</c>, used by its in-memory table):
/// the ring interval (begin, end] — begin EXCLUSIVE, end INCLUSIVE.
/// <list type="bullet">
/// <item>begin &lt; end: <c>begin &lt; hash &amp;&amp; hash &lt;= end</c>.</item>
/// <item>begin &gt;= end (wraps past <see cref="uint.MaxValue"/>): <c>hash &gt; begin || hash &lt;= end</c>.
/// So begin == end is the WHOLE ring (Orleans' full range is (0, 0]), not an empty range.</item>
/// </list>
/// A store queries it as the intervals in <see cref="Intervals"/> (one, or two disjoint ones when it wraps).
/// </summary>
public readonly record struct ReminderHashRange(uint Begin, uint End)
{
    /// <summary>True when the range wraps around the top of the ring (begin &gt;= end).</summary>
    public bool WrapsAround => Begin >= End;

    public bool Contains(uint hash) => Begin < End
        ? hash > Begin && hash <= End
        : hash > Begin || hash <= End;

    /// <summary>
    /// The range as disjoint, non-wrapping closed intervals [Low, High] of hash values (as
    /// <see cref="long"/>, the stored type): one when begin &lt; end, otherwise (begin, MaxValue] and
    /// [0, end]. The first is empty (and left out) when begin == <see cref="uint.MaxValue"/>.
    /// </summary>
    public IReadOnlyList<(long Low, long High)> Intervals
    {
        get
        {
            if (Begin < End)
            {
                return [((long)Begin + 1, End)];
            }

            return Begin == uint.MaxValue
                ? [(0L, End)]
                : [((long)Begin + 1, uint.MaxValue), (0L, End)];
        }
    }
}
