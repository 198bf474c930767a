using System.Globalization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Values.Map;

namespace Rapport.Pages.Values;

/// <summary>/product-values/gaps: values the best customers hold that no product supports; products whose values few customers hold.</summary>
public sealed class ProductGapsModel(GetValueGaps gaps) : PageModel
{
    public ValueGapReport? Report { get; private set; }
    public string By { get; private set; } = "revenue";
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public async Task OnGetAsync(string? by, CancellationToken ct)
    {
        By = string.IsNullOrWhiteSpace(by) ? "revenue" : by.Trim().ToLowerInvariant();
        var result = await gaps.HandleAsync(new ValueGapQuery(by), ct);
        if (result.IsOk)
        {
            Report = result.Value;
        }
        else
        {
            Errors = result.Errors;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }

    public static string Percent(double share) => GetValueTrends.Percent(share);

    public static string Score(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
