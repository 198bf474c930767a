using System.Globalization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Values.Map;

namespace Rapport.Pages.Values;

/// <summary>/values/trends: each value's share of comments and stated importance per month, and the shifts.</summary>
public sealed class TrendsModel(GetValueTrends trends) : PageModel
{
    public ValueTrends? Trends { get; private set; }
    public int? Months { get; private set; }
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public async Task OnGetAsync(int? months, CancellationToken ct)
    {
        Months = months;
        var result = await trends.HandleAsync(new ValueTrendQuery(months), ct);
        if (result.IsOk)
        {
            Trends = result.Value;
        }
        else
        {
            Errors = result.Errors;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }

    public static string Share(double? share) => share is { } s ? GetValueTrends.Percent(s) : "—";

    public static string MonthLabel(string month) =>
        DateTime.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture).ToString("MMM yy", CultureInfo.InvariantCulture);

    /// <summary>heat-0 … heat-10 relative to the largest share of the row.</summary>
    public static string Heat(double? share, double max) =>
        share is { } s && max > 0 ? $"heat heat-{(int)Math.Round(s / max * 10)}" : "";

    public const double SparkWidth = 120;
    public const double SparkHeight = 28;

    /// <summary>The polyline points of a sparkline of shares (months without comments are skipped).</summary>
    public static string Spark(IReadOnlyList<TrendMonth> months)
    {
        var max = months.Max(m => m.Share ?? 0);
        if (max <= 0 || months.Count < 2)
        {
            return "";
        }

        var step = SparkWidth / (months.Count - 1);
        return string.Join(" ", months.Select((m, i) => (m, i)).Where(p => p.m.Share is not null)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.i * step:0.#},{2 + (1 - p.m.Share!.Value / max) * (SparkHeight - 4):0.#}")));
    }

    /// <summary>The mean stated importance (0..1) over the recent months, or null without answers.</summary>
    public static double? RecentStated(ValueTrend trend, int months)
    {
        var recent = trend.Months.TakeLast(months).Where(m => m.Stated > 0).ToList();
        var n = recent.Sum(m => m.Stated);
        return n == 0 ? null : recent.Sum(m => m.StatedImportance!.Value * m.Stated) / n;
    }
}
