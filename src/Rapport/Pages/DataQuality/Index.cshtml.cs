using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.DataQuality;

namespace Rapport.Pages.DataQuality;

/// <summary>The data quality report; the stale threshold in months comes from the form (default 24).</summary>
public sealed class IndexModel(GetDataQuality get) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Months { get; set; }

    public DataQualityReport? Report { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        int? months = null;
        if (!string.IsNullOrWhiteSpace(Months))
        {
            if (int.TryParse(Months, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                months = parsed;
            }
            else
            {
                months = -1;
            }
        }

        var result = await get.HandleAsync(months, ct);
        if (result.IsOk)
        {
            Report = result.Value;
            return Page();
        }

        Error = FormValues.ErrorFor(result.Errors, "staleMonths");
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Report = (await get.HandleAsync(null, ct)).Value;
        return Page();
    }

    public static string Percent(double value) => $"{value:0.#}%";

    public static string Reason(string reason) => Duplicates.IndexModel.Reason(reason);
}
