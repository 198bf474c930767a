using System.Text.Json;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Dashboard;

namespace Rapport.Pages.Dashboard;

public sealed class IndexModel(GetDashboard dashboard, TimeProvider clock) : PageModel
{
    public DashboardSummary Summary { get; private set; } = null!;
    public DateTimeOffset Now { get; private set; }
    public string ChartJson { get; private set; } = "{}";
    public DailySales? BusiestDay { get; private set; }

    /// <summary>The window summed by week (starting on the window's first day), for the table under the chart.</summary>
    public IReadOnlyList<DailySales> Weeks { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        Summary = await dashboard.HandleAsync(ct);
        BusiestDay = Summary.Days.MaxBy(d => d.Orders);
        Weeks = Summary.Days
            .Select((d, i) => (Week: i / 7, Day: d))
            .GroupBy(x => x.Week)
            .Select(g => new DailySales(g.First().Day.Day, g.Sum(x => x.Day.Revenue), g.Sum(x => x.Day.Orders)))
            .ToList();
        // The default encoder escapes <, > and &, so the JSON cannot close its <script> element.
        ChartJson = JsonSerializer.Serialize(new
        {
            currency = Summary.Currency,
            days = Summary.Days.Select(d => d.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            revenue = Summary.Days.Select(d => d.Revenue),
            orders = Summary.Days.Select(d => d.Orders),
        });
    }
}
