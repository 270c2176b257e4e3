namespace CrmChatbot.Common;

public static class Timestamps
{
    /// <summary>
    /// UTC now truncated to milliseconds: both stores keep milliseconds, so the value a grain holds
    /// in memory is exactly the value a list query reads back.
    /// </summary>
    public static DateTime Now(TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}
