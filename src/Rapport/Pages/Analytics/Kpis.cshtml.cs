using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Rapport.Analytics;
using Rapport.Identity;

namespace Rapport.Pages.Analytics;

/// <summary>
/// /analytics/kpis: every KPI with its definition, its value in the latest complete month, quarter or year, the change
/// from the period before, its target and status, and its series as a chart. Marketing and admins set targets here.
/// </summary>
public sealed class KpisModel(GetAnalytics analytics, GetKpis getKpis, SetKpiTarget setTarget) : AnalyticsPageModel(analytics)
{
    public KpiReport Report { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string? period, CancellationToken ct)
    {
        await LoadAsync(ct);
        var report = await getKpis.HandleAsync(period, View, ct);
        if (!report.IsOk)
        {
            // An unknown period in the address is not worth an error page: show months.
            return Redirect("/analytics/kpis");
        }

        Report = report.Value!;
        return Page();
    }

    /// <summary>Sets or (with an empty value, or the Remove button) clears a KPI's target. Percent KPIs are typed in percent.</summary>
    public async Task<IActionResult> OnPostTargetAsync(string key, string? target, string? remove, string? period, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var back = $"/analytics/kpis{(period is "quarter" or "year" ? $"?period={period}" : "")}#kpi-{Uri.EscapeDataString(key)}";
        var definition = KpiRegistry.Default.Find(key);
        decimal? value = null;
        if (remove is null && !string.IsNullOrWhiteSpace(target))
        {
            if (!decimal.TryParse(target.Trim().TrimEnd('%').Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var typed))
            {
                TempData["FlashError"] = $"The target of {definition?.Name ?? key} must be a number, such as 40 or 12.5.";
                return Redirect(back);
            }

            value = definition?.Unit == KpiUnit.Percent ? typed / 100m : typed;
        }

        var result = await setTarget.HandleAsync(key, new SetKpiTargetRequest(value), User.GetUserId(), ct);
        if (!result.IsOk)
        {
            var message = result.Errors is { Count: > 0 } errors ? string.Join(" ", errors.SelectMany(e => e.Value)) : result.Message;
            TempData["FlashError"] = $"The target of {definition?.Name ?? key} was not saved: "
                + (definition?.Unit == KpiUnit.Percent ? "a percentage target is from 0 to 100." : message);
            return Redirect(back);
        }

        TempData["Flash"] = value is null ? $"Target of {definition!.Name} removed." : $"Target of {definition!.Name} set.";
        return Redirect(back);
    }

    /// <summary>The complete periods of a KPI's series.</summary>
    public static IReadOnlyList<KpiPoint> Complete(KpiView kpi) => kpi.Series.Where(p => !p.Partial).ToList();

    /// <summary>A KPI's series for its chart, with its target as a flat line.</summary>
    public string SeriesChart(KpiView kpi)
    {
        var format = kpi.Unit switch { KpiUnit.Percent => "percent", KpiUnit.Money => "money", _ => "number" };
        // The period still running is left out: its counts are incomplete and would read as a sudden drop.
        var points = Complete(kpi);
        var labels = points.Select(p => p.Period).ToList();
        var datasets = new List<object>
        {
            new { label = kpi.Name, data = points.Select(p => p.Value), color = "accent", kind = "line" },
        };
        if (kpi.Target is { } target)
        {
            datasets.Add(new { label = "Target", data = points.Select(_ => (decimal?)target), color = "success", kind = "line", dashed = true });
        }

        return ChartJson(new { kind = "line", labels, y = new { format, currency = Report.Currency }, datasets });
    }
}
