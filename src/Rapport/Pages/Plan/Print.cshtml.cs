using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Plan;

namespace Rapport.Pages.Plan;

/// <summary>/plan/print: the whole plan on one page, read-only, laid out for paper (print CSS in rapport.css, "Plan print").</summary>
public sealed class PrintModel(GetPlan getPlan, IConfiguration configuration) : PageModel
{
    public PlanDocument Plan { get; private set; } = null!;
    public string Currency => Metrics.CustomerMetricsUpdater.ReportingCurrencyOf(configuration);

    public async Task OnGetAsync(CancellationToken ct) => Plan = await getPlan.HandleAsync(ct);
}
