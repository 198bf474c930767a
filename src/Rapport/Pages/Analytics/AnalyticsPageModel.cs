using System.Text.Json;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Analytics;
using Rapport.Identity;

namespace Rapport.Pages.Analytics;

/// <summary>
/// What every analytics page starts from: the latest succeeded run's result (null before the first run) and the newest
/// run of any status, so a page can say that a recompute is waiting, running or failed.
/// </summary>
public abstract class AnalyticsPageModel(GetAnalytics analytics) : PageModel
{
    public AnalyticsView View { get; private set; } = new(null, null, null);
    public AnalyticsResult? Result => View.Result;
    public bool CanWrite => User.Can(Policies.AnalyticsEdit);
    public string Currency => Result?.Currency ?? "";

    protected async Task LoadAsync(CancellationToken ct) => View = await analytics.HandleAsync(ct);

    /// <summary>Chart data for a <c>&lt;script type="application/json"&gt;</c> block: camelCase, with &lt;, &gt; and &amp; escaped.</summary>
    public static string ChartJson(object value) => JsonSerializer.Serialize(value, AnalyticsJson.Options);

    /// <summary>A double for a chart: null instead of NaN or infinity (which JSON cannot carry).</summary>
    public static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 6) : null;

    /// <summary>The CSS class of a heat-map cell: heat-0 (nothing) to heat-10 (the largest value of its table).</summary>
    public static string Heat(double value, double max) =>
        max <= 0 || !double.IsFinite(value) || value <= 0 ? "heat heat-0" : $"heat heat-{Math.Clamp((int)Math.Ceiling(value / max * 10), 1, 10)}";
}
