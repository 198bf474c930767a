namespace Rapport.Analytics;

/// <summary>A target of the CRM plan for a KPI, in the KPI's unit (percent targets as fractions).</summary>
/// <param name="Period">The period the target is for; null for a standing target that holds in every period without its own.</param>
public sealed record KpiTarget(string Key, decimal Value, KpiPeriod? Period = null);

public enum KpiStatus
{
    /// <summary>No target is set for the KPI and period.</summary>
    NoTarget,

    /// <summary>A target is set but the KPI has no value for the period.</summary>
    NotAvailable,

    OnTrack,
    Behind,
}

/// <summary>
/// Targets and where a value stands against them. The tolerance is relative to the target: with the default 5 %,
/// a retention target of 0.40 is on track from 0.38 up, and a churn target of 0.10 is on track up to 0.105.
/// A target of zero leaves no margin.
/// </summary>
public static class KpiTargets
{
    public const decimal DefaultTolerance = 0.05m;

    /// <summary>
    /// On track when the value meets the target in the KPI's direction, or misses it by at most
    /// <c>tolerance × |target|</c>; for a neutral KPI, when it lies within that margin on either side.
    /// </summary>
    public static KpiStatus Status(KpiDirection direction, decimal? value, decimal? target, decimal tolerance = DefaultTolerance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tolerance);
        if (target is not { } goal)
        {
            return KpiStatus.NoTarget;
        }

        if (value is not { } actual)
        {
            return KpiStatus.NotAvailable;
        }

        var margin = tolerance * Math.Abs(goal);
        var onTrack = direction switch
        {
            KpiDirection.HigherIsBetter => actual >= goal - margin,
            KpiDirection.LowerIsBetter => actual <= goal + margin,
            KpiDirection.Neutral => Math.Abs(actual - goal) <= margin,
            _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, null),
        };
        return onTrack ? KpiStatus.OnTrack : KpiStatus.Behind;
    }

    /// <summary>The target of a KPI for a period: the one set for exactly that period, else the standing one, else null.</summary>
    /// <exception cref="ArgumentException">Two targets claim the same KPI and period (or both are standing).</exception>
    public static KpiTarget? For(IEnumerable<KpiTarget> targets, string key, KpiPeriod period)
    {
        KpiTarget? exact = null;
        KpiTarget? standing = null;
        foreach (var target in targets)
        {
            if (target.Key != key)
            {
                continue;
            }

            if (target.Period is null)
            {
                standing = standing is null ? target : throw new ArgumentException(Duplicate(target), nameof(targets));
            }
            else if (target.Period == period)
            {
                exact = exact is null ? target : throw new ArgumentException(Duplicate(target), nameof(targets));
            }
        }

        return exact ?? standing;
    }

    private static string Duplicate(KpiTarget target) =>
        $"KPI '{target.Key}' has two targets for {(target.Period is { } p ? p.ToString() : "every period")}.";
}
