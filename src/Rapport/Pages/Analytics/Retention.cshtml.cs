using Rapport.Analytics;

namespace Rapport.Pages.Analytics;

/// <summary>
/// /analytics/retention: the cohort matrix by first-purchase month (the share of each cohort buying k months later),
/// retention, churn and repeat-purchase rates by month, average order value and purchase frequency over time.
/// </summary>
public sealed class RetentionModel(GetAnalytics analytics) : AnalyticsPageModel(analytics)
{
    /// <summary>Cohorts shown (the most recent), and months after the first purchase shown for each.</summary>
    public const int CohortsShown = 24;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public IReadOnlyList<CohortRow> Cohorts => Result!.Retention.Cohorts.TakeLast(CohortsShown).ToList();

    /// <summary>The month of the as-of day, still running: its counts are incomplete.</summary>
    public string RunningMonth => Result!.AsOf.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Complete months only, for the charts (the running month would read as a sudden drop).</summary>
    public IReadOnlyList<PeriodRow> CompleteMonths => Result!.Retention.Months.Where(m => string.CompareOrdinal(m.Start, RunningMonth) < 0).ToList();

    /// <summary>Whether cell k of a cohort falls in the running month.</summary>
    public bool IsRunning(CohortRow cohort, int k)
    {
        var start = DateOnly.ParseExact(cohort.Start + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return start.AddMonths(k).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture) == RunningMonth;
    }

    public static double? Share(int part, int whole) => whole == 0 ? null : (double)part / whole;

    public static double? Retention(PeriodRow p) => Share(p.Retained, p.PreviousActive);

    public static double? Churn(PeriodRow p) => p.PreviousActive == 0 ? null : (double)(p.PreviousActive - p.Retained) / p.PreviousActive;

    public static double? Repeat(PeriodRow p) => Share(p.Active - p.New, p.Active);

    public static decimal? AverageOrder(PeriodRow p) => p.Orders == 0 ? null : Math.Round(p.Revenue / p.Orders, 2);

    public static double? Frequency(PeriodRow p) => p.Active == 0 ? null : Math.Round((double)p.Orders / p.Active, 4);

    public string RatesChart() => ChartJson(new
    {
        kind = "line",
        labels = CompleteMonths.Select(m => m.Start),
        y = new { format = "percent" },
        datasets = new object[]
        {
            new { label = "Retention rate", data = CompleteMonths.Select(Retention), color = "success" },
            new { label = "Churn rate", data = CompleteMonths.Select(Churn), color = "danger" },
            new { label = "Repeat purchase rate", data = CompleteMonths.Select(Repeat), color = "accent" },
        },
    });

    public string OrdersChart() => ChartJson(new
    {
        kind = "line",
        labels = CompleteMonths.Select(m => m.Start),
        y = new { format = "money", currency = Currency, title = "Average order value" },
        y2 = new { format = "number", title = "Orders per active customer" },
        datasets = new object[]
        {
            new { label = "Average order value", data = CompleteMonths.Select(AverageOrder), color = "accent" },
            new { label = "Purchase frequency", data = CompleteMonths.Select(Frequency), color = "warning", axis = "y2" },
        },
    });
}
