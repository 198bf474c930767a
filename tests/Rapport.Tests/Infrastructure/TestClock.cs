namespace Rapport.Tests.Infrastructure;

/// <summary>A clock the test moves by hand. Starts at 2026-06-15 12:00 UTC.</summary>
public sealed class TestClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private readonly Lock _lock = new();

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_lock)
        {
            _now += by;
        }
    }

    public void Set(DateTimeOffset now)
    {
        lock (_lock)
        {
            _now = now;
        }
    }
}
