using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Identity;
using Rapport.Surveys;

namespace Rapport.Pages.Surveys;

/// <summary>Imports responses collected elsewhere from a CSV file and shows what was created, updated and rejected.</summary>
[RequestSizeLimit(ImportSurveyResponses.MaxBytes + 64 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = ImportSurveyResponses.MaxBytes + 64 * 1024)]
public sealed class ImportModel(GetSurvey get, ImportSurveyResponses import) : PageModel
{
    public SurveyDetail Survey { get; private set; } = null!;
    public SurveyImportResult? Result { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var survey = await get.HandleAsync(id, ct);
        if (!survey.IsOk)
        {
            return NotFound();
        }

        Survey = survey.Value!;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, IFormFile? file, CancellationToken ct)
    {
        if (!User.Can(Policies.ResearchEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var survey = await get.HandleAsync(id, ct);
        if (!survey.IsOk)
        {
            return NotFound();
        }

        Survey = survey.Value!;
        if (file is null || file.Length == 0)
        {
            Error = "Choose a CSV file.";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        await using var stream = file.OpenReadStream();
        var result = await import.HandleAsync(id, stream, ct);
        if (!result.IsOk)
        {
            Error = string.Join(" ", result.Errors.SelectMany(e => e.Value).DefaultIfEmpty(result.Message ?? "The file could not be imported."));
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        Result = result.Value;
        Survey = (await get.HandleAsync(id, ct)).Value!;
        return Page();
    }
}
