using Rapport.Analytics;

namespace Rapport.Plan;

/// <summary>Limits and the rules of objective progress (docs/plan.md).</summary>
public static class PlanRules
{
    public const int MaxTitle = 200;
    public const int MaxShort = 100;
    public const int MaxText = 4000;
    public const int MaxPurpose = 1000;
    public const int MaxGoals = 20;
    public const int MaxObjectivesPerGoal = 10;
    public const int MaxValues = 20;
    public const int MaxSegments = 50;
    public const int MaxDataItems = 100;
    public const int MaxProofPoints = 10;

    /// <summary>How far progress may lag the straight path from baseline to target and still count as on track.</summary>
    public const decimal Tolerance = 0.05m;

    /// <summary>The legal bases of the GDPR (art. 6(1)), as the data plan stores them.</summary>
    public static readonly IReadOnlyList<string> LegalBases =
        ["consent", "contract", "legalObligation", "vitalInterests", "publicTask", "legitimateInterests"];

    public static string LegalBasisName(string? key) => key switch
    {
        "consent" => "Consent",
        "contract" => "Contract",
        "legalObligation" => "Legal obligation",
        "vitalInterests" => "Vital interests",
        "publicTask" => "Public task",
        "legitimateInterests" => "Legitimate interests",
        _ => "",
    };

    /// <summary>
    /// Where an objective stands. Achieved when the current value meets the target in the KPI's direction (a neutral
    /// KPI: within the tolerance); missed when the deadline has passed without; otherwise on track when the progress
    /// from the baseline (0 at the baseline, 1 at the target) is at least the share of the time from baseline to
    /// deadline already gone, less the tolerance. Without a baseline (the KPI had no value when the objective was
    /// set) the KPI targets' own rule decides.
    /// </summary>
    public static ObjectiveProgress Progress(KpiDirection direction, decimal target, decimal? baseline, DateOnly baselineDay,
        DateOnly deadline, decimal? current, DateOnly today)
    {
        var totalDays = deadline.DayNumber - baselineDay.DayNumber;
        var expected = totalDays <= 0 ? 1m : Math.Clamp((decimal)(today.DayNumber - baselineDay.DayNumber) / totalDays, 0m, 1m);
        expected = Math.Round(expected, 4);
        if (current is not { } value)
        {
            return new ObjectiveProgress(null, expected, ObjectiveStatus.NotAvailable);
        }

        decimal? progress = baseline is { } b && target != b ? Math.Round((value - b) / (target - b), 4) : null;
        var met = direction switch
        {
            KpiDirection.HigherIsBetter => value >= target,
            KpiDirection.LowerIsBetter => value <= target,
            _ => Math.Abs(value - target) <= KpiTargets.DefaultTolerance * Math.Abs(target),
        };
        if (met)
        {
            return new ObjectiveProgress(progress, expected, ObjectiveStatus.Achieved);
        }

        if (today > deadline)
        {
            return new ObjectiveProgress(progress, expected, ObjectiveStatus.Missed);
        }

        var onTrack = progress is { } p
            ? p >= expected - Tolerance
            : KpiTargets.Status(direction, value, target) == KpiStatus.OnTrack;
        return new ObjectiveProgress(progress, expected, onTrack ? ObjectiveStatus.OnTrack : ObjectiveStatus.Behind);
    }
}

public enum ObjectiveStatus
{
    /// <summary>The KPI has no value yet (no analytics run, or nothing to compute it from).</summary>
    NotAvailable,
    Achieved,
    OnTrack,
    Behind,
    /// <summary>The deadline has passed and the target was not met.</summary>
    Missed,
}

/// <param name="Progress">0 at the baseline, 1 at the target (may be below 0 or above 1); null without a baseline.</param>
/// <param name="Expected">The share of the time from baseline to deadline gone by today, 0..1.</param>
public sealed record ObjectiveProgress(decimal? Progress, decimal Expected, ObjectiveStatus Status);
