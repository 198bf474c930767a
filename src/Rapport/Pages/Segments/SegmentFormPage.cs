using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Data;
using Rapport.Identity;
using Rapport.Segments;

namespace Rapport.Pages.Segments;

/// <summary>
/// What /segments/new and /segments/{id}/edit share: the form, the editor's data, the live preview (a page handler: the
/// REST API takes API keys only) and the re-rendered form on refusal (422, with every error by field and rule path).
/// Admin and marketing only (write-catalog, as the segment API).
/// </summary>
public abstract class SegmentFormPage(ListSegmentFields fields, RapportDbContext db, PreviewSegment preview) : PageModel
{
    [BindProperty]
    public SegmentForm Form { get; set; } = new();

    public IReadOnlyDictionary<string, string[]> Errors { get; protected set; } = FieldErrors.None;
    public string EditorJson { get; private set; } = "{}";
    public abstract long? SegmentId { get; }

    protected bool CanWrite => User.Can(Policies.SegmentsEdit);

    /// <summary>The errors on the rules (their paths start with <c>rules</c>), for the list beside the editor.</summary>
    public IEnumerable<(string Path, string Message)> RuleErrors =>
        Errors.Where(e => e.Key.StartsWith("rules", StringComparison.Ordinal)).SelectMany(e => e.Value.Select(m => (e.Key, m)));

    protected async Task LoadEditorAsync(CancellationToken ct) => EditorJson = await SegmentEditorData.JsonAsync(fields, db, SegmentId, Errors, ct);

    protected async Task<IActionResult> RefusedAsync(IReadOnlyDictionary<string, string[]> errors, int status, CancellationToken ct)
    {
        Errors = errors;
        await LoadEditorAsync(ct);
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>
    /// The count and first customers the rules match, or the errors by path, as JSON for segments.js. Rules that do not
    /// validate are an answer of the preview (200 with <c>errors</c>), not a failed request: the editor asks while the
    /// user is still typing, and a 4xx would be reported as an error in the browser's console on every keystroke.
    /// </summary>
    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var errors = new FieldErrors();
        var rules = SegmentForm.ParseRules(Request.Form["rules"].ToString(), errors);
        if (errors.Any)
        {
            return new JsonResult(new { errors = errors.ToDictionary() });
        }

        var result = await preview.HandleAsync(rules, ct);
        if (!result.IsOk)
        {
            return new JsonResult(new { errors = result.Errors });
        }

        return new JsonResult(new
        {
            count = result.Value!.Count,
            sample = result.Value.Sample.Select(m => new { id = m.Id, name = CustomerName(m), email = m.Email, city = m.City, country = m.Country }),
        });
    }

    public static string CustomerName(MemberRow m)
    {
        var name = $"{m.FirstName} {m.LastName}".Trim();
        return name.Length > 0 ? name : m.Email ?? $"Customer {m.Id}";
    }

    /// <summary>Result errors as the form shows them: field errors, or the message on the form as a whole.</summary>
    protected static IReadOnlyDictionary<string, string[]> ErrorsOf<T>(Result<T> result) =>
        result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "The segment could not be saved."] };
}
