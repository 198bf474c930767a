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
public sealed class IndexModel(GetDashboard dashboard, GetSalesByDay salesByDay, TimeProvider clock) : PageModel
{
    public DashboardSummary Summary { get; private set; } = null!;
    public SalesView? Sales { get; private set; }
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(string? sales, CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        Summary = await dashboard.HandleAsync(ct);
        if (sales == "now")
        {
            Sales = SalesView.From(await salesByDay.HandleAsync(ct));
        }
    }

    public async Task<IActionResult> OnGetSalesAsync(CancellationToken ct) =>
        Partial("_Sales", SalesView.From(await salesByDay.HandleAsync(ct)) with { OutOfBand = true });
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
