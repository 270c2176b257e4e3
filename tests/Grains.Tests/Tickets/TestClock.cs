namespace CrmChatbot.Grains.Tests.Tickets;

/// <summary>
/// System time plus an adjustable offset: tests move "now" forward to pass SLA due times, and every
/// other test sees real time (the offset is zero unless a test sets it, and is reset after).
/// </summary>
public sealed class TestClock : TimeProvider
{
    public static TestClock Shared { get; } = new();

    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public void Reset() => Interlocked.Exchange(ref _offsetTicks, 0);
}
