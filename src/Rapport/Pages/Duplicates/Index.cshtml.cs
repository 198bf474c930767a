using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Duplicates;
using Rapport.Identity;

namespace Rapport.Pages.Duplicates;

/// <summary>The review queue: candidate pairs by score with their reasons, a link to compare each, and the detection button.</summary>
public sealed class IndexModel(ListCandidates list, DetectDuplicates detect) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public Page<CandidateRow> Results { get; private set; } = new([], null);
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public bool CanWrite => User.Can(Policies.CustomersEdit);
    public bool Dismissed => Status == "dismissed";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await list.HandleAsync(new ListCandidatesRequest(Dismissed ? "dismissed" : "open", null, PageSize, After), ct);
        if (result.IsOk)
        {
            Results = result.Value!;
        }
        else
        {
            Errors = result.Errors;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        return Page();
    }

    public async Task<IActionResult> OnPostDetectAsync(CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var summary = await detect.RunAsync(ct);
        TempData["Flash"] =
            $"Compared {Display.Number(summary.Customers)} customers in {summary.Elapsed.TotalSeconds:F1} s: " +
            $"{Display.Plural(summary.Open, "pair")} to review ({Display.Number(summary.Created)} new, {Display.Number(summary.Removed)} no longer matching).";
        return Redirect("/duplicates");
    }

    public string Link(string? after) =>
        "/duplicates" + QueryString.Create(new Dictionary<string, string?> { ["status"] = Dismissed ? "dismissed" : null, ["after"] = after }
            .Where(p => p.Value is not null)).ToUriComponent();

    public static string Reason(string reason) => reason switch
    {
        "email" => "same email",
        "phone" => "same phone",
        "name" => "alike names",
        "address" => "same address",
        "company" => "same company",
        _ => reason,
    };

    /// <summary>"96%": the score as a share, which reads better than 0.96.</summary>
    public static string Percent(double score) => $"{Math.Round(score * 100):0}%";
}
