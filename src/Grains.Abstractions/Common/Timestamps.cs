namespace CrmChatbot.Common;

public static class Timestamps
{
    private static long _lastTicks;

    /// <summary>
    /// UTC now truncated to milliseconds: both stores keep milliseconds, so the value a grain holds
    /// in memory is exactly the value a list query reads back. Within a process the values strictly
    /// increase: two writes in the same millisecond get consecutive milliseconds, so "newest first"
    /// follows the order of the writes instead of the random part of an id. A clock that jumps back
    /// by more than a second (a test clock being reset, an NTP step) is taken as it is.
    /// </summary>
    public static DateTime Now(TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime.Ticks;
        now -= now % TimeSpan.TicksPerMillisecond;
        while (true)
        {
            var last = Interlocked.Read(ref _lastTicks);
            var next = now > last || now < last - TimeSpan.TicksPerSecond ? now : last + TimeSpan.TicksPerMillisecond;
            if (Interlocked.CompareExchange(ref _lastTicks, next, last) == last)
            {
                return new DateTime(next, DateTimeKind.Utc);
            }
        }
    }
}
