using Rapport.Analytics;
using Rapport.Plan;

namespace Rapport.Pages.Plan;

/// <summary>How the plan pages put objectives into words.</summary>
public static class PlanWords
{
    public static string Status(ObjectiveStatus status) => status switch
    {
        ObjectiveStatus.Achieved => "Achieved",
        ObjectiveStatus.OnTrack => "On track",
        ObjectiveStatus.Behind => "Behind",
        ObjectiveStatus.Missed => "Missed",
        _ => "Not available",
    };

    public static string Badge(ObjectiveStatus status) => status switch
    {
        ObjectiveStatus.Achieved or ObjectiveStatus.OnTrack => "badge badge-success",
        ObjectiveStatus.Behind or ObjectiveStatus.Missed => "badge badge-danger",
        _ => "badge badge-warning",
    };

    /// <summary>Progress 0..1 as a score-bar class (twentieths, clamped).</summary>
    public static string Bar(decimal? progress) =>
        $"score-{(int)Math.Round(Math.Clamp(progress ?? 0m, 0m, 1m) * 20)}";

    public static string Progress(decimal? progress) => progress is { } p ? AnalyticsWords.Percent1(p) : "—";

    public static string Kpi(KpiUnit unit, decimal? value, string currency) => AnalyticsWords.Kpi(unit, value, currency);
}
