using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Identity;
using Rapport.Imports;

namespace Rapport.Pages.Imports;

/// <summary>
/// One import: while it runs, its progress block polls itself (htmx, every second) and stops polling once the import
/// has finished; then the counts, the first rejects and the rejects download.
/// </summary>
public sealed class DetailsModel(GetImport get, ListImportRejects rejects, CancelImport cancel, ImportRejectsFile rejectsFile) : PageModel
{
    public const int InlineRejects = 20;

    public ImportDetail Import { get; private set; } = null!;
    public IReadOnlyList<ImportRejectRow> FirstRejects { get; private set; } = [];
    public bool CanManage => User.Can(Api.ImportEndpoints.PolicyFor(Import.Kind));
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        return Page();
    }

    /// <summary>The progress block alone, for htmx polling.</summary>
    public async Task<IActionResult> OnGetProgressAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        return Partial("_Progress", this);
    }

    public async Task<IActionResult> OnGetRejectsAsync(long id, CancellationToken ct)
    {
        var import = await get.HandleAsync(id, ct);
        if (!import.IsOk)
        {
            return NotFound();
        }

        if (!User.Can(Api.ImportEndpoints.PolicyFor(import.Value!.Kind)) || !User.Can(Policies.ImportsExport))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        return new RejectsCsv(rejectsFile, id);
    }

    /// <summary>Streams the rejects CSV when the result executes (after the page filters have set their headers).</summary>
    private sealed class RejectsCsv(ImportRejectsFile file, long id) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.ContentType = "text/csv; charset=utf-8";
            response.Headers.ContentDisposition = $"attachment; filename=\"import-{id}-rejects.csv\"";
            await file.WriteAsync(id, response.Body, context.HttpContext.RequestAborted);
        }
    }

    public async Task<IActionResult> OnPostCancelAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.ImportsEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (!CanManage)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await cancel.HandleAsync(id, ct);
        TempData["Flash"] = result.IsOk
            ? "The import was cancelled. Batches committed before stay imported; the counts below say what they held."
            : result.Message;
        return Redirect($"/imports/{id}");
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var result = await get.HandleAsync(id, ct);
        if (!result.IsOk)
        {
            return false;
        }

        Import = result.Value!;
        if (Import.Rejected > 0 && CanManage)
        {
            FirstRejects = await rejects.HandleAsync(id, InlineRejects, ct);
        }

        return true;
    }
}
