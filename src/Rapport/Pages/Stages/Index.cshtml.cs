using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Identity;
using Rapport.Stages;

namespace Rapport.Pages.Stages;

/// <summary>The funnel: customers per stage now, conversion between stages and median time in stage over a period.</summary>
public sealed class IndexModel(GetStageFunnel funnel, RecomputeStages recompute, TimeProvider clock) : PageModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    /// <summary>30d, 90d, 12m or all; overrides From/To.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Preset { get; set; }

    public StageFunnel? Funnel { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        DateOnly? from = null, to = null;
        switch (Preset)
        {
            case "30d": from = today.AddDays(-29); to = today; break;
            case "90d": from = today.AddDays(-89); to = today; break;
            case "12m": from = today.AddDays(-364); to = today; break;
            case "all": from = new DateOnly(1900, 1, 1); to = today; break;
            default:
                from = Parse(From, "From");
                to = Parse(To, "To");
                break;
        }

        var result = await funnel.HandleAsync(new StageFunnelQuery(from, to), ct);
        if (!result.IsOk)
        {
            Error ??= string.Join(" ", result.Errors.SelectMany(e => e.Value));
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            result = await funnel.HandleAsync(new StageFunnelQuery(), ct);
        }

        Funnel = result.Value;
        From = Funnel!.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        To = Funnel.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    /// <summary>The admin's button: every stage from the rules now.</summary>
    public async Task<IActionResult> OnPostRecomputeAsync(CancellationToken ct)
    {
        if (!User.Can(Policies.AdminEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await recompute.AllAsync(ct);
        TempData["Flash"] = $"Stages recomputed in {result.ElapsedMs / 1000.0:F1} s: {Display.Plural(result.Changed, "customer")} changed stage.";
        return Redirect("/stages");
    }

    private DateOnly? Parse(string? value, string label)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        Error = $"{label} must be a date (yyyy-mm-dd); showing the last 12 months.";
        return null;
    }

    public static string Name(Stage stage) => stage.ToString();

    public string CountsChart() => JsonSerializer.Serialize(new
    {
        kind = "bar",
        labels = Funnel!.Stages.Select(s => Name(s.Stage)),
        y = new { format = "number" },
        datasets = new[] { new { label = "Customers now", data = Funnel.Stages.Select(s => (double)s.CustomersNow), color = "accent" } },
    }, Json);

    public string ConversionChart() => JsonSerializer.Serialize(new
    {
        kind = "bar",
        labels = Funnel!.Stages.Take(4).Select(s => $"{Name(s.Stage)} → {Name(s.Stage + 1)}"),
        y = new { format = "percent" },
        datasets = new[] { new { label = "Moved on", data = Funnel.Stages.Take(4).Select(s => s.ConversionRate), color = "success" } },
    }, Json);

    public string TimeChart() => JsonSerializer.Serialize(new
    {
        kind = "bar",
        labels = Funnel!.Stages.Select(s => Name(s.Stage)),
        y = new { format = "number", title = "Days" },
        datasets = new[] { new { label = "Median days in stage", data = Funnel.Stages.Select(s => s.MedianDaysInStage), color = "accent" } },
    }, Json);
}
