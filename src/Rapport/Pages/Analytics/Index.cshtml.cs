using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Rapport.Analytics;

namespace Rapport.Pages.Analytics;

/// <summary>
/// /analytics: the headline figures of the latest run, the KPIs against their targets, the RFM segments at a glance, the
/// models' warnings and the latest runs. Hosts the recompute action and the status poll every analytics page uses.
/// </summary>
public sealed class IndexModel(GetAnalytics analytics, GetKpis getKpis, ListAnalyticsRuns listRuns, RequestAnalytics request) : AnalyticsPageModel(analytics)
{
    public KpiReport? Kpis { get; private set; }
    public IReadOnlyList<AnalyticsRunRow> Runs { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        Kpis = (await getKpis.HandleAsync("month", View, ct)).Value;
        Runs = (await listRuns.HandleAsync(10, ct)).Value ?? [];
    }

    public async Task<IActionResult> OnPostRecomputeAsync(CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var id = await request.RequestAsync(AnalyticsTrigger.Manual, ct);
        TempData["Flash"] = $"Recompute queued (run {id}). The figures update when it has finished.";
        return Redirect("/analytics");
    }

    /// <summary>Polled while a run waits or runs: nothing (204) until then, then a refresh of the page.</summary>
    public async Task<IActionResult> OnGetStatusAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (View.Newest?.Status is AnalyticsRunStatus.Queued or AnalyticsRunStatus.Running)
        {
            return new NoContentResult();
        }

        Response.Headers["HX-Refresh"] = "true";
        return new OkResult();
    }

    /// <summary>Customers per RFM segment, for the bar chart.</summary>
    public string SegmentsChart() => ChartJson(new
    {
        kind = "bar",
        horizontal = true,
        labels = Result!.Rfm.Segments.Select(s => RfmSegments.Find(s.Key)?.Name ?? s.Key),
        y = new { format = "number" },
        datasets = new[] { new { label = "Customers", data = Result.Rfm.Segments.Select(s => (double)s.Customers), color = "accent" } },
    });
}
