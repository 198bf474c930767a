using Rapport.Analytics;

namespace Rapport.Pages.Analytics;

/// <summary>
/// /analytics/best-customers: the Pareto curve of revenue (and of gross profit where product costs are known), the share
/// of customers that brings 80 % of revenue, the best customers with what they buy, and heavy users per category.
/// </summary>
public sealed class BestCustomersModel(GetAnalytics analytics, GetTopCustomers topCustomers) : AnalyticsPageModel(analytics)
{
    public const int TopShown = 20;

    public IReadOnlyList<TopCustomerRow> Top { get; private set; } = [];
    public IReadOnlyDictionary<long, string> Names { get; private set; } = new Dictionary<long, string>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Result is not { } result)
        {
            return;
        }

        Top = await topCustomers.DescribeAsync(result, result.BestCustomers.Top.Take(TopShown).ToList(), ct);
        var heavyIds = result.BestCustomers.HeavyUsers.SelectMany(h => h.TopCustomerIds.Take(3)).Distinct().ToList();
        Names = await topCustomers.NamesAsync(heavyIds, ct);
    }

    /// <summary>The curves (revenue, profit when known) against the line of perfect equality.</summary>
    public string ParetoChart()
    {
        var best = Result!.BestCustomers;
        var datasets = new List<object>
        {
            new { label = "Revenue", data = best.Revenue.Curve.Select(p => new { x = p.Customers, y = p.Value }), color = "accent", kind = "line" },
        };
        if (best.Profit is { } profit)
        {
            datasets.Add(new { label = "Gross profit", data = profit.Curve.Select(p => new { x = p.Customers, y = p.Value }), color = "success", kind = "line" });
        }

        datasets.Add(new { label = "Everyone equal", data = new[] { new { x = 0m, y = 0m }, new { x = 1m, y = 1m } }, color = "muted", kind = "line", dashed = true });
        return ChartJson(new
        {
            kind = "line",
            x = new { type = "linear", format = "percent", title = "Share of customers, best first" },
            y = new { format = "percent", title = "Share of the total" },
            datasets,
        });
    }
}
