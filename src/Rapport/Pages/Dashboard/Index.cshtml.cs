using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Dashboard;

namespace Rapport.Pages.Dashboard;

/// <summary>
/// The dashboard. Customer figures render at once; revenue and orders, which read every transaction of the last
/// 90 days, arrive in a second request (htmx, on load) so the page never waits for them. <c>?sales=now</c> renders
/// everything in one response, for browsers without JavaScript.
/// </summary>
public sealed class IndexModel(GetDashboard dashboard, GetSalesByDay salesByDay, Rapport.Analytics.GetKpis kpis, TimeProvider clock) : PageModel
{
    /// <summary>The KPIs the dashboard shows (all of them are on /analytics/kpis).</summary>
    public static readonly IReadOnlyList<string> DashboardKpis = ["active_customers", "retention_rate", "repeat_purchase_rate", "average_order_value", "average_clv"];

    public DashboardSummary Summary { get; private set; } = null!;
    public Rapport.Analytics.KpiReport? Kpis { get; private set; }
    public SalesView? Sales { get; private set; }
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(string? sales, CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        Summary = await dashboard.HandleAsync(ct);
        Kpis = (await kpis.HandleAsync("month", ct)).Value;
        if (sales == "now")
        {
            Sales = SalesView.From(await salesByDay.HandleAsync(ct));
        }
    }

    public async Task<IActionResult> OnGetSalesAsync(CancellationToken ct) =>
        Partial("_Sales", SalesView.From(await salesByDay.HandleAsync(ct)) with { OutOfBand = true });
}

/// <summary>A KPI's last twelve periods for its sparkline on the dashboard.</summary>
public static class KpiSparkline
{
    /// <summary>The last twelve complete periods (the running one would read as a drop).</summary>
    public static IReadOnlyList<Rapport.Analytics.KpiPoint> Points(Rapport.Analytics.KpiView kpi) => kpi.Series.Where(p => !p.Partial).TakeLast(12).ToList();

    public static string Json(Rapport.Analytics.KpiView kpi)
    {
        var points = Points(kpi);
        return JsonSerializer.Serialize(new
        {
            kind = "line",
            sparkline = true,
            labels = points.Select(p => p.Period),
            y = new { format = kpi.Unit switch { Rapport.Analytics.KpiUnit.Percent => "percent", Rapport.Analytics.KpiUnit.Money => "money", _ => "number" } },
            datasets = new[] { new { label = kpi.Name, data = points.Select(p => p.Value), color = "accent" } },
        }, Rapport.Analytics.AnalyticsJson.Options);
    }
}

/// <summary>The sales series with what the chart, its text alternative and its table need.</summary>
public sealed record SalesView(SalesSeries Series, DailySales? BusiestDay, IReadOnlyList<DailySales> Weeks, string ChartJson, bool OutOfBand = false)
{
    public static SalesView From(SalesSeries series)
    {
        // The window summed by week (starting on the window's first day), for the table under the chart.
        var weeks = series.Days
            .Select((d, i) => (Week: i / 7, Day: d))
            .GroupBy(x => x.Week)
            .Select(g => new DailySales(g.First().Day.Day, g.Sum(x => x.Day.Revenue), g.Sum(x => x.Day.Orders)))
            .ToList();
        // The default encoder escapes <, > and &, so the JSON cannot close its <script> element.
        var json = JsonSerializer.Serialize(new
        {
            currency = series.Currency,
            days = series.Days.Select(d => d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            revenue = series.Days.Select(d => d.Revenue),
            orders = series.Days.Select(d => d.Orders),
        });
        return new SalesView(series, series.Days.MaxBy(d => d.Orders), weeks, json);
    }
}
