using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Identity;
using Rapport.Surveys;

namespace Rapport.Pages.Surveys;

/// <summary>One response with every answer as given (free text shown escaped, exactly as written); deletes it.</summary>
public sealed class ResponseModel(GetSurveyResponse get, DeleteSurveyResponse delete) : PageModel
{
    public SurveyResponseDetail Detail { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long id, long responseId, CancellationToken ct)
    {
        var result = await get.HandleAsync(responseId, ct);
        if (!result.IsOk || result.Value!.SurveyId != id)
        {
            return NotFound();
        }

        Detail = result.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, long responseId, CancellationToken ct)
    {
        if (!User.Can(Policies.ResearchDelete))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var existing = await get.HandleAsync(responseId, ct);
        if (!existing.IsOk || existing.Value!.SurveyId != id)
        {
            return NotFound();
        }

        await delete.HandleAsync(responseId, ct);
        TempData["Flash"] = "The response was deleted with the evidence it gave.";
        return Redirect($"/surveys/{id}/responses");
    }
}
