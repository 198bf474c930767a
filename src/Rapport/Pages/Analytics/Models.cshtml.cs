using System.Globalization;
using Rapport.Analytics;

namespace Rapport.Pages.Analytics;

/// <summary>
/// /analytics/models: the purchase model (BG/NBD or Pareto/NBD) and the Gamma-Gamma spend model as fitted by the latest
/// run, with their parameters, log-likelihood, convergence and warnings; the calibration-versus-holdout check; the CLV
/// settings.
/// </summary>
public sealed class ModelsModel(GetAnalytics analytics) : AnalyticsPageModel(analytics)
{
    public NewCustomerOutlook? NewCustomer { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        NewCustomer = Result is { } result ? GetNewCustomerOutlook.Of(result, result.Settings.HorizonMonths) : null;
    }

    public string NewCustomerChart(NewCustomerOutlook outlook) => ChartJson(new
    {
        kind = "bar",
        labels = outlook.Distribution.Select(d => d.OrMore ? $"{d.Purchases}+" : $"{d.Purchases}"),
        x = new { title = "Repeat purchases" },
        y = new { format = "percent", title = "Probability" },
        datasets = new[] { new { label = "Probability", data = outlook.Distribution.Select(d => Finite(d.Probability)), color = "accent" } },
    });

    public static string ModelName(string key) => key switch
    {
        "bgnbd" => "BG/NBD",
        "paretonbd" => "Pareto/NBD",
        "gammagamma" => "Gamma-Gamma",
        _ => key,
    };

    /// <summary>Parameter names as the literature writes them.</summary>
    public static string ParameterName(string key) => key switch
    {
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        _ => key,
    };

    public static string Parameter(double value) =>
        double.IsFinite(value) ? value.ToString(Math.Abs(value) >= 1000 ? "#,0.0" : "0.0000", CultureInfo.InvariantCulture) : "—";

    public string HoldoutChart(HoldoutCheck check) => ChartJson(new
    {
        kind = "bar",
        labels = check.Rows.Select(r => r.Frequency),
        x = new { title = "Repeat purchases in the calibration period" },
        y = new { format = "number", title = "Purchases per customer in the holdout" },
        datasets = new object[]
        {
            new { label = "Actual", data = check.Rows.Select(r => Finite(r.ActualMean)), color = "accent" },
            new { label = "Predicted", data = check.Rows.Select(r => Finite(r.PredictedMean)), color = "warning" },
        },
    });
}
