namespace CrmChatbot.Common;

public static class Timestamps
{
    private static readonly MillisecondSequence Sequence = new();

    /// <summary>
    /// UTC now truncated to milliseconds: both stores keep milliseconds, so the value a grain holds in memory is
    /// exactly the value a list query reads back. Within a process the values never go back, and they strictly
    /// increase as long as the process takes fewer than about a thousand timestamps a second (see
    /// <see cref="MillisecondSequence"/>), so "newest first" follows the order of the writes.
    /// </summary>
    public static DateTime Now(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return Sequence.Next(clock.GetUtcNow().UtcDateTime);
    }
}

/// <summary>
/// Millisecond timestamps that never go back: two in the same millisecond get consecutive milliseconds, but
/// the sequence runs at most <see cref="MaxLead"/> ahead of the clock. Past that (more than a thousand a second
/// for a while) it repeats its last value until the clock catches up, instead of jumping back, which had
/// put an entity's newer history entries before older ones under write load. A clock set back by more than
/// <see cref="StepBack"/> (an NTP step, a test clock) is followed as it is.
/// </summary>
public sealed class MillisecondSequence
{
    public static readonly TimeSpan MaxLead = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan StepBack = TimeSpan.FromSeconds(1);

    private long _lastTicks;

    public DateTime Next(DateTime utcNow)
    {
        var now = utcNow.Ticks - (utcNow.Ticks % TimeSpan.TicksPerMillisecond);
        while (true)
        {
            var last = Interlocked.Read(ref _lastTicks);
            var next = now > last || now < last - StepBack.Ticks ? now
                : last - now < MaxLead.Ticks ? last + TimeSpan.TicksPerMillisecond
                : last;
            if (Interlocked.CompareExchange(ref _lastTicks, next, last) == last)
            {
                return new DateTime(next, DateTimeKind.Utc);
            }
        }
    }
}
